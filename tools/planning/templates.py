"""Sentence templates for the offline planner's prompt-only scripts.

Honest by design: with no language model and no source text, the planner can only restate and structure the
topic (a hook, beats, a call to action). ``{topic}`` is the topic phrase, ``{term}`` one of its key words.
``{topic}`` only ever follows a preposition ("about {topic}", "of {topic}"), so a noun phrase ("the water
cycle") and a clause ("how honeybees make honey") both read as English.
"""

from __future__ import annotations

HOOK = (
    "Here is a quick look at {topic}, in plain words.",
    "Ever wondered about {topic}?",
    "Let's take a clear look at {topic}.",
    "In the next few moments, you'll see what matters most about {topic}.",
)
CTA = (
    "Follow for more short explainers like this one.",
    "Now you know the basics of {topic}.",
    "Save this video and share it with someone curious about {topic}.",
    "And that's the short story of {topic}.",
)
# Ads, promos and teasers close with an invitation (no claims about the product: the planner knows none).
PROMO_CTA = (
    "Come and see {topic} for yourself.",
    "Find out more about {topic} today.",
)
# role name → (scene title, visual idea for the subject, sentences)
BEATS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "what": ("What it is", "a clear view of {term}", (
        "First, the big idea behind {topic}.",
        "At its core, the story of {topic} comes down to {term}.",
        "Start with the big picture.",
        "Think of {term} as the starting point for everything else.",
        "Once you see the basic idea, everything else about {topic} falls into place.",
        "Many people have heard of {term}, but few stop to look at how it fits together.",
        "We'll keep it simple.",
    )),
    "why": ("Why it matters", "people noticing {term} in everyday life", (
        "Why care about {topic}?",
        "Because {term} shows up in more places than you might expect.",
        "It shapes decisions every day.",
        "Understanding {term} helps you make sense of what you see around you.",
        "When you know why it matters, the details of {topic} become much easier to remember.",
        "That makes it worth a closer look.",
    )),
    "how": ("How it works", "a step-by-step close view of {term} in motion", (
        "Now for the mechanics of {topic}.",
        "It happens in steps, and {term} is where it begins.",
        "One step leads to the next.",
        "Each part builds on the one before it, so the order matters.",
        "Watch how {term} changes from one stage to the next.",
        "Small changes add up.",
    )),
    "example": ("An example", "a real-world scene showing {term}", (
        "Picture a simple example.",
        "Imagine {term} in a place you know well.",
        "You can spot it once you know what to look for.",
        "A concrete case makes the idea of {topic} far easier to grasp than any definition.",
        "Examples like this one turn an abstract idea into something you can picture.",
    )),
    "mistakes": ("Common mix-ups", "{term} seen from an unexpected angle", (
        "There are a few common mix-ups about {topic}.",
        "Some people think {term} is the whole story, but it is only one part.",
        "Details matter here.",
        "Getting the basics right first saves confusion later on.",
        "If something about {topic} seems surprising, that is usually where the real lesson is.",
    )),
    "history": ("Where it comes from", "an old photograph style view of {term}", (
        "Our understanding of {topic} did not appear out of nowhere.",
        "Ideas about {term} have changed a lot over time.",
        "Looking back explains a great deal.",
        "Each generation added a little more to what we know about {topic}.",
    )),
    "future": ("What comes next", "a forward-looking view of {term}", (
        "So what comes next in the story of {topic}?",
        "New ideas about {term} keep appearing.",
        "The story is still being written.",
        "Watching how our picture of {topic} develops over the next few years will be worth it.",
    )),
    "start": ("Getting started", "hands getting started with {term}", (
        "Want to learn more about {topic}?",
        "Start small, with {term}.",
        "Ask questions as you go.",
        "A few minutes a day is enough to build a real understanding of {topic}.",
    )),
    "recap": ("Key takeaways", "a bold summary graphic about {term}", (
        "Let's recap.",
        "The story of {topic} starts with {term}, and every other part builds on it.",
        "Keep these points in mind.",
        "If you remember just one thing, remember how {term} connects to everything else about {topic}.",
    )),
}
SHORT_ORDER = ("what", "why", "how", "example", "recap")
LONG_ORDER = ("what", "why", "history", "how", "example", "mistakes", "start", "future", "recap")

"""The studio's look: a Gradio theme, the CSS for storyboard cards, the shot list, the header and the phone
layout, and the small script that keeps the current step of the work in view."""

from __future__ import annotations

import gradio as gr


def theme() -> gr.themes.Base:
    """A calm violet/slate theme with a modern sans font (bundled with the system, no web fonts)."""
    return gr.themes.Soft(
        primary_hue="violet", secondary_hue="slate", neutral_hue="slate", radius_size="lg",
        font=["Inter", "ui-sans-serif", "system-ui", "sans-serif"],
    )


HEADER = """
<div class="rf-header">
  <div class="rf-logo">▶</div>
  <div><div class="rf-brand">reelforge <span>studio</span></div>
  <div class="rf-tag">Describe a video → review its storyboard → get every social format. Works without keys,
  as motion graphics.</div></div>
</div>
"""

MODELS_AND_KEYS = """Without keys, reelforge draws every scene itself as **motion graphics** (shapes, light and text — not
footage of your subject) and narrates with an offline voice. Nothing is paid for.

To get generated footage, set a video model key before starting the studio — for example `FAL_KEY` or
`REPLICATE_API_TOKEN` (others: Kling, MiniMax, Gemini Veo, Runway, Sora, Seedance, Luma). `PEXELS_API_KEY` or
`PIXABAY_API_KEY` add stock footage; `ELEVENLABS_API_KEY` adds natural voices. `reelforge models` lists what each
key unlocks; `reelforge doctor` checks your set-up. Nothing is generated before you approve the storyboard."""

#: Keeps the current step of the work in view: when the step marker changes (storyboard → production → player),
#: the panel of that step is scrolled into view unless it is already on screen.
HEAD = """<script>
(() => {
  const panels = {storyboard: "rf-step-storyboard", production: "rf-step-production", player: "rf-step-player"};
  let last = "";
  const follow = () => {
    const marker = document.getElementById("rf-step");
    if (!marker) return;
    const key = marker.dataset.step + ":" + marker.dataset.board;
    if (key === last) return;
    const first = last === "";
    last = key;
    const panel = document.getElementById(panels[marker.dataset.step] || "");
    if (first || !panel || panel.offsetParent === null) return;
    const box = panel.getBoundingClientRect();
    const inView = box.top >= 0 && box.top < window.innerHeight * 0.5;
    if (!inView) panel.scrollIntoView({behavior: "smooth", block: "start"});
  };
  new MutationObserver(() => requestAnimationFrame(follow))
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ["data-step", "data-board"]});
})();
</script>"""

CSS = """
.gradio-container { max-width: 1480px !important; margin: 0 auto; }
.rf-header { display:flex; gap:14px; align-items:center; padding:6px 2px 2px; }
.rf-logo { flex:none; width:42px; height:42px; border-radius:12px; display:grid; place-items:center; color:#fff;
  font-size:18px; background:linear-gradient(135deg,#7c3aed,#db2777); box-shadow:0 4px 14px rgba(124,58,237,.35); }
.rf-brand { font-size:22px; font-weight:700; letter-spacing:-.02em; }
.rf-brand span { color:#7c3aed; font-weight:600; }
.rf-tag { font-size:13px; opacity:.7; }
.rf-empty { padding:22px; border:1px dashed var(--border-color-primary); border-radius:14px; opacity:.75;
  font-size:14px; text-align:center; }
.rf-board-head { display:flex; justify-content:space-between; align-items:baseline; flex-wrap:wrap; gap:8px;
  margin-bottom:12px; }
.rf-board-title { font-size:18px; font-weight:700; margin-right:8px; }
.rf-version, .rf-state { font-size:12px; padding:2px 8px; border-radius:999px; background:#ede9fe; color:#5b21b6;
  white-space:nowrap; }
.rf-state.rf-approved { background:#dcfce7; color:#166534; }
.rf-total { font-size:13px; opacity:.85; }
.rf-notes { margin:6px 0 10px 18px; font-size:12.5px; opacity:.85; }
.rf-ok { color:#15803d; font-weight:600; } .rf-bad { color:#b91c1c; font-weight:600; }
.rf-cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(230px,1fr)); gap:14px; }
.rf-card { border:1px solid var(--border-color-primary); border-radius:14px; overflow:hidden;
  background:var(--background-fill-primary); box-shadow:0 1px 3px rgba(15,23,42,.06); display:flex;
  flex-direction:column; }
.rf-thumb { width:100%; aspect-ratio:16/9; object-fit:cover; background:#0f172a; display:block; }
.rf-cards.rf-tall { grid-template-columns:repeat(auto-fill,minmax(170px,1fr)); }
.rf-cards.rf-tall .rf-thumb { max-height:340px; object-fit:contain; }
.rf-thumb-empty { display:grid; place-items:center; color:#94a3b8; font-size:12px; }
.rf-card-body { padding:10px 12px 12px; display:flex; flex-direction:column; gap:6px; }
.rf-card-head { font-size:14px; }
.rf-scene { font-weight:700; }
.rf-meta { opacity:.7; font-size:12.5px; }
.rf-label-note { font-size:12px; margin:0; color:#92400e; }
.rf-details { font-size:12px; }
.rf-details summary { cursor:pointer; opacity:.7; }
.rf-details ul, .rf-tech { margin:4px 0 0 16px; padding:0; overflow-wrap:anywhere; }
.rf-offline { margin:0 0 12px; padding:10px 12px; border-radius:12px; background:#fef3c7; color:#78350f;
  font-size:13px; line-height:1.45; }
.rf-board-name { display:flex; flex-wrap:wrap; align-items:center; gap:6px; }
.rf-narration { font-size:14px; line-height:1.4; margin:0; }
.rf-visual { font-size:12px; opacity:.75; margin:0; line-height:1.35; }
.rf-visual b { font-weight:600; margin-right:4px; }
.rf-model { font-size:12.5px; line-height:1.35; }
.rf-model b { font-weight:600; }
.rf-progress { list-style:none; padding:0; margin:0; display:flex; flex-direction:column; gap:6px; }
.rf-row { display:grid; grid-template-columns:150px 92px 1fr 1.4fr; gap:10px; align-items:center; font-size:13px; }
.rf-item { font-weight:600; }
.rf-pill { text-align:center; border-radius:999px; padding:2px 8px; font-size:12px; font-weight:600; }
.rf-queued { background:#f1f5f9; color:#475569; } .rf-active { background:#ede9fe; color:#6d28d9; }
.rf-done { background:#dcfce7; color:#166534; } .rf-warn { background:#fef3c7; color:#92400e; }
.rf-bad { background:#fee2e2; color:#991b1b; }
.rf-bar { height:6px; background:#e2e8f0; border-radius:999px; overflow:hidden; }
.rf-bar span { display:block; height:100%; background:linear-gradient(90deg,#7c3aed,#db2777); }
.rf-msg { opacity:.7; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.rf-section h3, .rf-section-title { margin:4px 0 8px; font-size:15px; font-weight:700; }
/* the player fits the screen whatever the aspect (a 9:16 video is as tall as the window allows, no taller) */
.rf-player video { max-height:min(72vh, 760px) !important; width:auto; max-width:100%; margin:0 auto;
  object-fit:contain; }
.rf-player { min-width:0 !important; }
.rf-downloads { gap:6px !important; }
.rf-download, .rf-download * { white-space:normal !important; overflow-wrap:anywhere; text-align:left; }
.rf-chat .message-wrap, .rf-chat .bubble-wrap { padding-top:34px; }
/* "+ New video" starts over; the chat's own clear icon only emptied the screen and sat on the first message */
.rf-chat button[aria-label="Clear"], .rf-chat button[title="Clear"] { display:none !important; }
.gradio-container, .rf-main, .rf-work, .rf-side { min-width:0; max-width:100%; }
.rf-main * { overflow-wrap:anywhere; }
.rf-marker { display:none !important; }
@media (max-width: 900px) {
  .rf-main { flex-direction:column !important; }
  .rf-side { display:contents !important; }
  .rf-main > *, .rf-side > * { width:100% !important; min-width:0 !important; flex:1 1 100% !important; }
  .rf-chat { order:1; } .rf-box, .rf-side > :has(.rf-box) { order:2; } .rf-work { order:3; }
  .rf-settings { order:4; }
  .rf-row { grid-template-columns:1fr auto; grid-template-areas:"item pill" "msg msg"; row-gap:2px; }
  .rf-row .rf-item { grid-area:item; } .rf-row .rf-pill { grid-area:pill; }
  .rf-row .rf-bar { display:none; } .rf-row .rf-msg { grid-area:msg; white-space:normal; }
  .rf-cards { grid-template-columns:1fr 1fr; gap:10px; }
  .rf-player video { max-height:64vh !important; }
}
"""

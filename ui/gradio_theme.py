"""The studio's look: a Gradio theme and the CSS for storyboard cards, the shot list and the header."""

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
  <div class="rf-tag">Chat a brief → approve the storyboard → get every social format. Works offline.</div></div>
</div>
"""

CSS = """
.gradio-container { max-width: 1480px !important; margin: 0 auto; }
.rf-header { display:flex; gap:14px; align-items:center; padding:6px 2px 2px; }
.rf-logo { width:42px; height:42px; border-radius:12px; display:grid; place-items:center; color:#fff;
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
  margin-right:6px; }
.rf-state.rf-approved { background:#dcfce7; color:#166534; }
.rf-total { font-size:13px; opacity:.85; }
.rf-notes { margin:6px 0 10px 18px; font-size:12.5px; opacity:.85; }
.rf-ok { color:#15803d; font-weight:600; } .rf-bad { color:#b91c1c; font-weight:600; }
.rf-cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(230px,1fr)); gap:14px; }
.rf-card { border:1px solid var(--border-color-primary); border-radius:14px; overflow:hidden;
  background:var(--background-fill-primary); box-shadow:0 1px 3px rgba(15,23,42,.06); display:flex;
  flex-direction:column; }
.rf-thumb { width:100%; aspect-ratio:16/10; object-fit:cover; background:#0f172a; display:block; }
.rf-thumb-empty { display:grid; place-items:center; color:#94a3b8; font-size:12px; }
.rf-card-body { padding:10px 12px 12px; display:flex; flex-direction:column; gap:6px; }
.rf-card-head { display:flex; justify-content:space-between; gap:6px; font-size:13px; }
.rf-scene { font-weight:700; }
.rf-meta { opacity:.7; white-space:nowrap; }
.rf-narration { font-size:14px; line-height:1.4; margin:0; }
.rf-visual { font-size:12px; opacity:.75; margin:0; line-height:1.35; }
.rf-visual b { font-weight:600; margin-right:4px; }
.rf-model { display:flex; gap:6px; align-items:baseline; font-size:12px; }
.rf-chip { background:#f1f5f9; color:#334155; border-radius:6px; padding:1px 7px; font-weight:600;
  white-space:nowrap; }
.rf-reason { opacity:.7; line-height:1.3; }
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
"""

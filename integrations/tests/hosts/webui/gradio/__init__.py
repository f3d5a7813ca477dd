"""Stand-in for the gradio 3.41 API the FastMerge tab uses (the webui's pinned gradio): layout blocks as context
managers, components keeping their constructor arguments and value, Button.click recording the event, Progress
and update(). Components made inside a Blocks are listed in it, so the tests can find them by label and click."""
from __future__ import annotations

_stack = []


class Block:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.children = []
        if _stack:
            _stack[-1].children.append(self)

    def __enter__(self):
        _stack.append(self)
        return self

    def __exit__(self, *exc):
        _stack.pop()
        return False

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()


class Blocks(Block):
    def __init__(self, theme=None, analytics_enabled=None, mode="blocks", title="Gradio", css=None, **kwargs):
        super().__init__(analytics_enabled=analytics_enabled, title=title, **kwargs)


class Row(Block):
    pass


class Column(Block):
    pass


class Accordion(Block):
    def __init__(self, label=None, open=True, **kwargs):
        super().__init__(label=label, open=open, **kwargs)


class Component(Block):
    def __init__(self, value=None, label=None, **kwargs):
        super().__init__(label=label, **kwargs)
        self.value, self.label = value, label
        self.events = []

    def change(self, fn, inputs=None, outputs=None, **kwargs):
        self.events.append(("change", fn, inputs or [], outputs or []))


class Dropdown(Component):
    def __init__(self, choices=None, value=None, label=None, **kwargs):
        super().__init__(value=value, label=label, **kwargs)
        self.choices = list(choices or [])


class Radio(Dropdown):
    pass


class Slider(Component):
    def __init__(self, minimum=0, maximum=100, value=None, step=None, label=None, **kwargs):
        super().__init__(value=minimum if value is None else value, label=label, **kwargs)
        self.minimum, self.maximum, self.step = minimum, maximum, step


class Textbox(Component):
    def __init__(self, value="", lines=1, label=None, placeholder=None, interactive=None, **kwargs):
        super().__init__(value=value, label=label, **kwargs)
        self.lines, self.placeholder, self.interactive = lines, placeholder, interactive


class Checkbox(Component):
    def __init__(self, value=False, label=None, **kwargs):
        super().__init__(value=value, label=label, **kwargs)


class Button(Component):
    def click(self, fn, inputs=None, outputs=None, **kwargs):
        self.events.append(("click", fn, inputs or [], outputs or []))


class Progress:
    """gr.Progress: a function's default argument of this type receives progress(fraction, desc=...) calls."""

    def __init__(self, track_tqdm=False):
        self.track_tqdm = track_tqdm
        self.calls = []

    def __call__(self, progress, desc=None, total=None, unit="steps"):
        self.calls.append((progress, desc))


def update(**kwargs):
    return {"__type__": "update", **kwargs}

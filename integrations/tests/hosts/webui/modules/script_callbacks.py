"""Stand-in for modules/script_callbacks.py (AUTOMATIC1111/stable-diffusion-webui @ 0411eced8968): the same
callback_map, registration functions and invocation for the two callbacks the extension uses. The real add_callback
names the callback after the extension that registered it (extensions.find_extension); here the script's file name."""
from __future__ import annotations

import dataclasses
import inspect
import os


@dataclasses.dataclass
class ScriptCallback:
    script: str
    callback: ''
    name: str = None


callback_map = dict(callbacks_app_started=[], callbacks_ui_tabs=[])
errors = []  # what errors.report would print: the webui logs a failing callback and carries on


def add_callback(callbacks, fun, *, name=None, category='unknown'):
    stack = [x for x in inspect.stack() if x.filename != __file__]
    filename = stack[0].filename if stack else 'unknown file'
    callbacks.append(ScriptCallback(filename, fun, f"{os.path.basename(filename)}/{category}" + (f"/{name}" if name else "")))


def clear_callbacks():
    for callback_list in callback_map.values():
        callback_list.clear()


def app_started_callback(demo, app):
    for c in callback_map['callbacks_app_started']:
        try:
            c.callback(demo, app)
        except Exception as e:  # noqa: BLE001 - as report_exception
            errors.append((c.script, 'app_started_callback', e))


def ui_tabs_callback():
    res = []
    for c in callback_map['callbacks_ui_tabs']:
        try:
            res += c.callback() or []
        except Exception as e:  # noqa: BLE001
            errors.append((c.script, 'ui_tabs_callback', e))
    return res


def on_app_started(callback, *, name=None):
    """register a function to be called when the webui started, the gradio `Block` component and
    fastapi `FastAPI` object are passed as the arguments"""
    add_callback(callback_map['callbacks_app_started'], callback, name=name, category='app_started')


def on_ui_tabs(callback, *, name=None):
    """register a function to be called when the UI is creating new tabs: returns None or a list of
    (gradio_component, title, elem_id)"""
    add_callback(callback_map['callbacks_ui_tabs'], callback, name=name, category='ui_tabs')

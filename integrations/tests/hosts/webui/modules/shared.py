"""Stand-in for modules/shared.py: only cmd_opts.ckpt_dir (--ckpt-dir), which the extension reads."""
import types

cmd_opts = types.SimpleNamespace(ckpt_dir=None)

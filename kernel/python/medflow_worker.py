"""medflow's Python worker: runs `%%python` cells and custom image-processing modules.

Started by the kernel (kernel/src/python/worker.ts) as `python3 medflow_worker.py REQ_FD RES_FD`.
Requests arrive on REQ_FD, replies and streamed output leave on RES_FD. Output written below
Python (C extensions, subprocesses) to fd 1/2 is captured through pipes and sent on RES_FD as
well, drained before each reply so that it belongs to the right request. The original stderr
is kept for faulthandler's crash report, which the kernel forwards when the worker dies.

Frame: 4-byte little-endian length of a UTF-8 JSON header, the header, then the raw bytes of
the buffers it lists (header["buffers"] = [byte length, ...]), each followed by zero bytes up to
a multiple of 8, so that every array starts aligned for its dtype. Arrays travel as
{"__ndarray__": buffer index, "dtype": numpy name, "shape": [...]} plus their raw C-order bytes.
"""

import ast
import inspect
import io
import json
import linecache
import os
import re
import signal
import struct
import sys
import threading
import traceback
import typing

REQ_FD = int(sys.argv[1])
RES_FD = int(sys.argv[2])

# dtypes the engine's NDArray can hold (kernel/src/engine/data/ndarray.ts).
DTYPES = {
    "bool", "uint8", "int8", "uint16", "int16", "uint32", "int32",
    "int64", "uint64", "float32", "float64",
}

_send_lock = threading.Lock()
_main_thread = threading.get_ident()
_busy = False  # a request is being served: SIGINT means "interrupt it"
_defer_depth = 0  # > 0 while the main thread is in protocol code: a SIGINT now is deferred
_pending_interrupt = False
_current_id = None


_last_sigint = 0.0


def _on_sigint(_signum, _frame):
    global _pending_interrupt, _last_sigint
    if not _busy:
        return  # an interrupt that arrives between requests has nothing to stop
    import time

    # Jupyter's signal-mode interrupt reaches this process twice (the kernel's process group,
    # then the kernel's own SIGINT): one interrupt, not a second one in the except block.
    now = time.monotonic()
    if now - _last_sigint < 0.25:
        return
    _last_sigint = now
    if _defer_depth:
        _pending_interrupt = True  # never break a frame in half: raise once it is written
        return
    raise KeyboardInterrupt


class _Deferred:
    """Holds KeyboardInterrupt back while the main thread writes protocol data (a frame cut in
    half would desynchronise the stream); it is raised when the outermost block exits."""

    def __enter__(self):
        global _defer_depth
        if threading.get_ident() == _main_thread:
            _defer_depth += 1

    def __exit__(self, *exc):
        global _defer_depth, _pending_interrupt
        if threading.get_ident() != _main_thread:
            return False
        _defer_depth -= 1
        if _defer_depth == 0 and _pending_interrupt and _busy and exc[0] is None:
            _pending_interrupt = False
            raise KeyboardInterrupt
        return False


_deferred = _Deferred()


ALIGN = 8  # buffers are padded to this, so that arrays in one blob stay aligned


def _padded(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def _write_all(fd, data):
    view = memoryview(data).cast("B")
    while len(view):
        n = os.write(fd, view)
        view = view[n:]


def _send(header, buffers=()):
    buffers = [memoryview(b).cast("B") for b in buffers]
    header["buffers"] = [len(b) for b in buffers]
    body = json.dumps(header, allow_nan=False).encode("utf-8")
    with _deferred, _send_lock:
        _write_all(RES_FD, struct.pack("<I", len(body)) + body)
        for b in buffers:
            _write_all(RES_FD, b)
            if len(b) % ALIGN:
                _write_all(RES_FD, bytes(ALIGN - len(b) % ALIGN))


_req = io.FileIO(REQ_FD, "rb", closefd=False)


def _read_exactly(n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = _req.readinto(view[got:])
        if not k:
            return None
        got += k
    return buf


def _recv():
    raw = _read_exactly(4)
    if raw is None:
        return None, None
    (length,) = struct.unpack("<I", raw)
    header = json.loads(_read_exactly(length).decode("utf-8"))
    sizes = header.get("buffers", [])
    # One bytearray for all buffers: numpy views into it are writable and need no copy.
    blob = _read_exactly(sum(_padded(n) for n in sizes)) if sizes else bytearray()
    views, offset = [], 0
    for size in sizes:
        views.append(memoryview(blob)[offset:offset + size])
        offset += _padded(size)
    return header, views


class _Output:
    """Text written to sys.stdout / sys.stderr, sent as stream messages in write order.

    A write after a quiet spell (> HOLD seconds since the last send) goes out at once: output
    streams while a cell runs, and a print just before a crash is not lost. Writes in quick
    succession (a print loop) are gathered and sent by a flusher thread within HOLD seconds,
    so that 100 000 prints do not become 200 000 messages."""

    HOLD = 0.02
    LIMIT = 1 << 16

    def __init__(self):
        self._lock = threading.Lock()
        self._parts = []
        self._size = 0
        self._name = None
        self._last_send = 0.0
        self._wake = threading.Event()
        threading.Thread(target=self._flusher, name="medflow-output", daemon=True).start()

    def write(self, name, text):
        import time

        with _deferred, self._lock:
            if self._parts and name != self._name:
                self._flush_locked()
            self._name = name
            self._parts.append(text)
            self._size += len(text)
            if self._size >= self.LIMIT or time.monotonic() - self._last_send > self.HOLD:
                self._flush_locked()
            else:
                self._wake.set()

    def flush(self):
        with _deferred, self._lock:
            self._flush_locked()

    def _flush_locked(self):
        import time

        if not self._parts:
            return
        text = "".join(self._parts)
        self._parts, self._size = [], 0
        _send({"type": "stream", "id": _current_id, "name": self._name, "text": text})
        self._last_send = time.monotonic()

    def _flusher(self):
        import time

        while True:
            self._wake.wait()
            self._wake.clear()
            time.sleep(self.HOLD)
            self.flush()


class _Stream(io.TextIOBase):
    """sys.stdout / sys.stderr of the worker."""

    def __init__(self, name, output):
        super().__init__()
        self._name = name
        self._output = output

    @property
    def name(self):
        return "<" + self._name + ">"

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        if text:
            self._output.write(self._name, text)
        return len(text)

    def flush(self):
        self._output.flush()


class _FdCapture:
    """Redirects file descriptors 1 and 2 into pipes that a thread forwards as stream
    messages; drain() sends what is already written (called before every reply)."""

    def __init__(self, output):
        import codecs
        import ctypes

        self._output = output
        self._lock = threading.Lock()
        self._pipes = {}
        for fd, name in ((1, "stdout"), (2, "stderr")):
            r, w = os.pipe()
            os.dup2(w, fd)
            os.close(w)
            os.set_blocking(r, False)
            self._pipes[r] = (name, codecs.getincrementaldecoder("utf-8")("replace"))
        try:
            self._libc = ctypes.CDLL(None)
        except OSError:
            self._libc = None
        threading.Thread(target=self._forward, name="medflow-fd-capture", daemon=True).start()

    def _read(self, r):
        name, decoder = self._pipes[r]
        chunks = []
        while True:
            try:
                data = os.read(r, 65536)
            except BlockingIOError:
                break
            if not data:
                break
            chunks.append(decoder.decode(data))
        text = "".join(chunks)
        if text:
            self._output.flush()  # what Python printed before comes first
            _send({"type": "stream", "id": _current_id, "name": name, "text": text})

    def _forward(self):
        import select

        while True:
            ready, _, _ = select.select(list(self._pipes), [], [])
            with self._lock:
                for r in ready:
                    self._read(r)

    def drain(self):
        if self._libc is not None:
            self._libc.fflush(None)  # C stdio buffers of extensions
        with self._lock:
            for r in self._pipes:
                self._read(r)


# ---------------------------------------------------------------- errors


def _error_reply(exc):
    """ename / evalue / traceback as Python prints them, without the worker's own frames."""
    if isinstance(exc, SyntaxError):
        # Where the cell does not parse; the parser's own frames say nothing to the user.
        lines = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n").split("\n")
        return {"ename": type(exc).__name__, "evalue": str(exc), "traceback": lines}
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    lines = "".join(traceback.format_exception(type(exc), exc, tb)).rstrip("\n").split("\n")
    return {"ename": type(exc).__name__, "evalue": str(exc), "traceback": lines}


class ModuleError(Exception):
    """A broken module contract (bad class, bad return value); the message names the module."""


class UnknownModule(ModuleError):
    """A call for a module this worker has not defined (it was restarted): the kernel then
    defines the module again from its cell and retries."""


# ---------------------------------------------------------------- cells

namespace = {"__name__": "__main__", "__builtins__": __builtins__}
_cell_count = 0


def _run_cell(code):
    """Runs code in the persistent namespace; the last bare expression is printed as repr,
    like the interactive interpreter does. Returns the set of top-level class names."""
    global _cell_count
    _cell_count += 1
    filename = "<cell %d>" % _cell_count
    # Lets tracebacks show the cell's source lines.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        value = eval(compile(last, filename, "eval"), namespace)
        if value is not None:
            namespace["_"] = value
            print(repr(value))
    return [n.name for n in ast.parse(code).body if isinstance(n, ast.ClassDef)]


# ---------------------------------------------------------------- modules

# name -> {"cls": class, "types": {param: python type}, "instances": {params json: instance}}
modules = {}
PY_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean"}


def _param_descriptions(cls):
    """Descriptions of __init__ parameters from the __init__ or class docstring, in Sphinx
    (':param x: text'), Google ('x (float): text' or 'x: text') or NumPy style ('x : float'
    with the text indented on the next line)."""
    found = {}
    for doc in (inspect.getdoc(cls.__init__), inspect.getdoc(cls)):
        if not doc or doc == inspect.getdoc(object.__init__):
            continue
        lines = doc.splitlines()
        for i, line in enumerate(lines):
            s = line.strip()
            indent = len(line) - len(line.lstrip())
            name, text = None, None
            m = re.match(r":param\s+(?:[\w\[\], .]+\s+)?(\w+)\s*:\s*(.+)", s)
            if m:
                name, text = m.groups()
            elif re.match(r"\w+\s+:", s):
                m = re.match(r"(\w+)\s+:", s)
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) > indent:
                    name, text = m.group(1), nxt.strip()
            else:
                m = re.match(r"(\w+)\s*(?:\([^)]*\))?:\s+(.+)", s)
                if m:
                    name, text = m.groups()
            if name and name not in found:
                found[name] = text.strip()
    return found


def _literal_choices(annotation):
    if typing.get_origin(annotation) is typing.Literal:
        args = typing.get_args(annotation)
        if args and all(isinstance(a, str) for a in args):
            return list(args)
    return None


def _params_schema(name, cls):
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        sig = None
    try:
        hints = typing.get_type_hints(cls.__init__)
    except Exception:
        hints = getattr(cls.__init__, "__annotations__", {}) or {}
    docs = _param_descriptions(cls)
    properties, required, types = {}, [], {}
    params = list(sig.parameters.values())[1:] if sig is not None else []
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.kind == p.POSITIONAL_ONLY:
            raise ModuleError(
                "%s: __init__ parameter '%s' is positional-only; parameters are passed by name"
                % (name, p.name)
            )
        annotation = hints.get(p.name, p.annotation)
        has_default = p.default is not p.empty
        schema = {}
        choices = _literal_choices(annotation)
        if choices is not None:
            schema = {"type": "string", "enum": choices}
            py = str
        elif annotation in PY_TYPES:
            py = annotation
        elif annotation is p.empty and has_default and type(p.default) in PY_TYPES:
            py = type(p.default)
        elif annotation is p.empty:
            raise ModuleError(
                "%s: __init__ parameter '%s' needs a type annotation (int, float, str or bool) "
                "or a default value" % (name, p.name)
            )
        else:
            raise ModuleError(
                "%s: __init__ parameter '%s' has annotation %r; supported: int, float, str, "
                "bool, Literal['a', 'b', ...]" % (name, p.name, annotation)
            )
        schema.setdefault("type", PY_TYPES[py])
        if has_default:
            d = p.default
            ok = (
                (py is bool and isinstance(d, bool))
                or (py is int and isinstance(d, int) and not isinstance(d, bool))
                or (py is float and isinstance(d, (int, float)) and not isinstance(d, bool))
                or (py is str and isinstance(d, str))
            )
            if not ok or (choices is not None and d not in choices):
                raise ModuleError(
                    "%s: the default of parameter '%s' (%r) does not match its type %s"
                    % (name, p.name, d, schema["type"])
                )
            schema["default"] = float(d) if py is float else d
        else:
            required.append(p.name)
        schema["description"] = docs.get(p.name, p.name)
        properties[p.name] = schema
        types[p.name] = py
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out, types


def _has_call(cls):
    for klass in cls.__mro__:
        if klass is object:
            return False
        if "__call__" in vars(klass):
            return True
    return False


def _define(name, code):
    classes = _run_cell(code)
    candidates = [c for c in classes if isinstance(namespace.get(c), type)]
    callables = [c for c in candidates if _has_call(namespace[c])]
    if len(callables) != 1:
        found = ", ".join(callables) if callables else "none"
        raise ModuleError(
            "%s: the cell must define exactly one class with __call__(self, data) "
            "(found %s)" % (name, found)
        )
    cls = namespace[callables[0]]
    try:
        call_sig = inspect.signature(cls.__call__)
        call_sig.bind(None, {})
    except TypeError:
        raise ModuleError(
            "%s: %s.__call__ must take exactly one argument besides self: "
            "__call__(self, data)" % (name, cls.__name__)
        ) from None
    except ValueError:
        pass
    schema, types = _params_schema(name, cls)
    doc = inspect.getdoc(cls)
    summary = doc.strip().splitlines()[0] if doc else None
    modules[name] = {"cls": cls, "types": types, "instances": {}}
    info = {"class": cls.__name__, "params": schema, "description": summary}
    # Optional palette facts as class attributes: category = 'Grayscale', modality = ['CT'],
    # dimension = 2 | 3 | 'any' (the kernel checks their values).
    for attr in ("category", "modality", "dimension"):
        value = getattr(cls, attr, None)
        if value is not None:
            if isinstance(value, tuple):
                value = list(value)
            if not isinstance(value, (str, int, list)) or isinstance(value, bool):
                raise ModuleError("%s: class attribute %s=%r is not a string, number or list"
                                  % (name, attr, value))
            info[attr] = value
    return info


def _instance(name, params):
    mod = modules.get(name)
    if mod is None:
        raise UnknownModule("%s: no such Python module in this worker" % name)
    key = json.dumps(params, sort_keys=True)
    inst = mod["instances"].get(key)
    if inst is None:
        kwargs = {}
        for k, v in params.items():
            py = mod["types"].get(k)
            kwargs[k] = float(v) if py is float and isinstance(v, int) else v
        inst = mod["cls"](**kwargs)
        mod["instances"].clear()  # keep one configuration: instances may hold large state
        mod["instances"][key] = inst
    return inst


# ---------------------------------------------------------------- data dicts


def _decode(value, buffers, np):
    if isinstance(value, dict):
        if "__ndarray__" in value:
            a = np.frombuffer(buffers[value["__ndarray__"]], dtype=np.dtype(value["dtype"]))
            return a.reshape(value["shape"])
        return {k: _decode(v, buffers, np) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, buffers, np) for v in value]
    return value


def _where(path):
    """data['image']['array'] from the linked path (parent, key) built while encoding."""
    keys = []
    while path is not None:
        path, key = path
        keys.append(key)
    return "data" + "".join("[%r]" % k for k in reversed(keys))


_FINITE = float("inf")
_DTYPE_NAMES = {}


def _dtype_names(np):
    """numpy dtype -> engine dtype name (dtype.name is a slow Python property in numpy 1.x)."""
    if not _DTYPE_NAMES:
        _DTYPE_NAMES.update({np.dtype(n): n for n in DTYPES})
    return _DTYPE_NAMES


def _encode(value, buffers, np, path, module):
    """A returned value as JSON + buffers. The path is a linked (parent, key) tuple, turned into
    text only for an error message: building strings per key cost more than the arrays."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if value != value or value == _FINITE or value == -_FINITE:
            raise ModuleError("%s: %s is %r (not a finite number)" % (module, _where(path), value))
        return value
    if isinstance(value, np.ndarray):
        dtype = value.dtype
        name = _dtype_names(np).get(dtype.newbyteorder("=") if not dtype.isnative else dtype)
        if name is None:
            raise ModuleError(
                "%s: %s has dtype %s; supported: %s"
                % (module, _where(path), dtype.name, ", ".join(sorted(DTYPES)))
            )
        if dtype.kind == "f" and not np.isfinite(value).all():
            n_nan = int(np.isnan(value).sum())
            n_inf = int(np.isinf(value).sum())
            raise ModuleError(
                "%s: %s contains %d NaN and %d infinite values"
                % (module, _where(path), n_nan, n_inf)
            )
        if not dtype.isnative:
            value = value.astype(dtype.newbyteorder("="))
        buffers.append(np.ascontiguousarray(value).reshape(-1).view(np.uint8))
        return {"__ndarray__": len(buffers) - 1, "dtype": name, "shape": list(value.shape)}
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ModuleError("%s: %s has a non-string key %r" % (module, _where(path), k))
            out[k] = _encode(v, buffers, np, (path, k), module)
        return out
    if isinstance(value, (list, tuple)):
        return [_encode(v, buffers, np, (path, i), module) for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return _encode(value.item(), buffers, np, path, module)
    raise ModuleError(
        "%s: %s is a %s, which cannot be sent back (use numbers, strings, lists, dicts and "
        "numpy arrays)" % (module, _where(path), type(value).__name__)
    )


def _check_result(name, result, np):
    if result is None:
        return None
    if not isinstance(result, dict):
        raise ModuleError(
            "%s: __call__ must return the data dict (or None to drop the item), got %s"
            % (name, type(result).__name__)
        )
    image = result.get("image")
    if not isinstance(image, dict) or "array" not in image:
        raise ModuleError("%s: the returned dict has no data['image']['array']" % name)
    array = image["array"]
    if not isinstance(array, np.ndarray):
        raise ModuleError(
            "%s: data['image']['array'] must be a numpy array, got %s"
            % (name, type(array).__name__)
        )
    header = image.get("header")
    if not isinstance(header, dict):
        raise ModuleError("%s: data['image']['header'] must be a dict" % name)
    dim = header.get("dim", 2)
    ranks = (2, 3) if dim == 2 else (3, 4)
    if array.ndim not in ranks:
        raise ModuleError(
            "%s: data['image']['array'] has shape %s (rank %d); a %dD image must have rank %s"
            % (name, tuple(array.shape), array.ndim, dim, " or ".join(map(str, ranks)))
        )
    label = result.get("label", {})
    if not isinstance(label, dict):
        raise ModuleError("%s: data['label'] must be a dict, got %s" % (name, type(label).__name__))
    for task in ("classification", "segmentation"):
        entry = label.get(task)
        if isinstance(entry, dict) and not isinstance(entry.get("array"), np.ndarray):
            raise ModuleError(
                "%s: data['label'][%r]['array'] must be a numpy array, got %s"
                % (name, task, type(entry.get("array")).__name__)
            )
    return result


def _call(header, buffers):
    import numpy as np

    name = header["module"]
    items = _decode(header["items"], buffers, np)
    inst = _instance(name, header["params"])
    out_buffers, out_items = [], []
    for i, data in enumerate(items):
        try:
            result = _check_result(name, inst(data), np)
            out_items.append(
                None if result is None else _encode(result, out_buffers, np, None, name)
            )
        except ModuleError as e:
            if len(items) > 1 and not isinstance(e, UnknownModule):
                raise ModuleError("%s (item %d of the batch)" % (e, i)) from None
            raise
    return {"items": out_items}, out_buffers


# ---------------------------------------------------------------- main loop


def _serve(header, buffers):
    op = header["op"]
    if op == "run":
        _run_cell(header["code"])
        return {}, []
    if op == "define":
        return _define(header["name"], header["code"]), []
    if op == "call":
        return _call(header, buffers)
    raise ValueError("unknown request %r" % op)


def _handle(header, buffers):
    """Serves one request; every outcome, KeyboardInterrupt and SystemExit included, becomes
    a reply: the worker lives on."""
    try:
        body, out = _serve(header, buffers)
        reply = {"type": "reply", "id": _current_id, "ok": True}
        reply.update(body)
        return reply, out
    except BaseException as exc:
        reply = {"type": "reply", "id": _current_id, "ok": False}
        if isinstance(exc, ModuleError):
            ename = type(exc).__name__
            reply.update(ename=ename, evalue=str(exc), traceback=[ename + ": " + str(exc)])
        else:
            reply.update(_error_reply(exc))
        return reply, []


def main():
    global _busy, _current_id, _pending_interrupt
    try:
        import numpy
    except Exception as e:  # the kernel turns this into a clear start-up error
        _send({"type": "hello", "error": "%s: %s" % (type(e).__name__, e)})
        return 3
    import faulthandler

    # A segfault prints where it happened, on the original stderr (the kernel reads it).
    crash_report = os.fdopen(os.dup(2), "w")
    faulthandler.enable(file=crash_report)
    output = _Output()
    capture = _FdCapture(output)
    signal.signal(signal.SIGINT, _on_sigint)
    sys.stdout, sys.stderr = _Stream("stdout", output), _Stream("stderr", output)
    _send({"type": "hello", "python": sys.version.split()[0], "numpy": numpy.__version__,
           "pid": os.getpid()})
    while True:
        header, buffers = _recv()
        if header is None:
            return 0  # the kernel closed the pipe: it is gone or disposed us
        _current_id = header.get("id")
        _busy = True
        try:
            reply, out = _handle(header, buffers)
        except KeyboardInterrupt:  # one more interrupt while the reply was being made
            reply, out = {"type": "reply", "id": _current_id, "ok": False}, []
            reply.update(_error_reply(KeyboardInterrupt()))
        _busy = False
        _pending_interrupt = False
        output.flush()
        capture.drain()
        _send(reply, out)
        _current_id = None


if __name__ == "__main__":
    sys.exit(main())

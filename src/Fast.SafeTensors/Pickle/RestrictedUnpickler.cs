using System.Globalization;
using System.Text;

namespace Fast.SafeTensors.Pickle;

/// <summary>
/// A pickle reader that understands only what <c>torch.save</c> writes for a state dict (protocols
/// 2–4): plain containers, numbers, strings, whitelisted globals (<see cref="PickleWhitelist"/>) and
/// storages by persistent id. Any other opcode or global stops the read with one line naming it;
/// nothing is ever executed, so a hostile pickle can at worst be refused.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PickleInput _input;
    private readonly string _path;
    private readonly Dictionary<string, StorageRef> _storages;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];

    /// <param name="input">The bytes to read.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="storages">Storages seen so far, shared across the pickles of one file so a key means one storage.</param>
    public RestrictedUnpickler(PickleInput input, string path, Dictionary<string, StorageRef> storages)
    {
        _input = input;
        _path = path;
        _storages = storages;
    }

    /// <summary>Reads one pickle, up to and including its STOP, and returns its value.</summary>
    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            long at = _input.Position;
            byte op = _input.ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    byte proto = _input.ReadByte();
                    if (proto > 5)
                    {
                        throw Refuse($"pickle protocol {proto} is not supported");
                    }

                    break;
                case 0x95: // FRAME: a length hint only; the bytes follow inline.
                    _input.ReadInt64();
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Refuse($"pickle ends with {_stack.Count} values on its stack");
                    }

                    return _stack[0];
                case (byte)'(': _marks.Add(_stack.Count); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopMark(); break;
                case (byte)'2': Push(Peek()); break;
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)_input.ReadInt32()); break;
                case (byte)'K': Push((long)_input.ReadByte()); break;
                case (byte)'M': Push((long)_input.ReadUInt16()); break;
                case 0x8a: Push(ReadLong(_input.ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(_input.ReadInt32())); break; // LONG4
                case (byte)'G': Push(_input.ReadDoubleBigEndian()); break;
                case (byte)'X': Push(ReadUtf8(_input.ReadUInt32())); break; // BINUNICODE
                case 0x8c: Push(ReadUtf8(_input.ReadByte())); break; // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(_input.ReadInt64())); break; // BINUNICODE8
                case (byte)'T': Push(ReadLatin1(_input.ReadInt32())); break; // BINSTRING
                case (byte)'U': Push(ReadLatin1(_input.ReadByte())); break; // SHORT_BINSTRING
                case (byte)'B': Push(_input.ReadBytes(_input.ReadUInt32())); break; // BINBYTES
                case (byte)'C': Push(_input.ReadBytes(_input.ReadByte())); break; // SHORT_BINBYTES
                case 0x8e: Push(_input.ReadBytes(_input.ReadInt64())); break; // BINBYTES8
                case (byte)')': Push(new PickleTuple([])); break;
                case (byte)'t': Push(new PickleTuple(PopMark().ToArray())); break;
                case 0x85: Push(new PickleTuple([Pop()])); break;
                case 0x86: { object? b = Pop(), a = Pop(); Push(new PickleTuple([a, b])); break; }
                case 0x87: { object? c = Pop(), b = Pop(), a = Pop(); Push(new PickleTuple([a, b, c])); break; }
                case (byte)']': Push(new PickleList()); break;
                case (byte)'l': { var list = new PickleList(); list.Items.AddRange(PopMark()); Push(list); break; }
                case 0x8f: Push(new PickleList()); break; // EMPTY_SET
                case 0x91: { var set = new PickleList(); set.Items.AddRange(PopMark()); Push(set); break; } // FROZENSET
                case (byte)'a': { object? v = Pop(); ListAt(Peek(), at).Items.Add(v); break; }
                case (byte)'e': case 0x90: { List<object?> items = PopMark(); ListAt(Peek(), at).Items.AddRange(items); break; } // APPENDS, ADDITEMS
                case (byte)'}': Push(new PickleDict()); break;
                case (byte)'d': { var dict = new PickleDict(); SetItems(dict, PopMark(), at); Push(dict); break; }
                case (byte)'s': { object? v = Pop(), k = Pop(); SetItems(DictAt(Peek(), at), [k, v], at); break; }
                case (byte)'u': { List<object?> items = PopMark(); SetItems(DictAt(Peek(), at), items, at); break; }
                case (byte)'q': _memo[_input.ReadByte()] = Peek(); break; // BINPUT
                case (byte)'r': _memo[_input.ReadUInt32()] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': Push(Memo(_input.ReadByte())); break; // BINGET
                case (byte)'j': Push(Memo(_input.ReadUInt32())); break; // LONG_BINGET
                case (byte)'c': Push(Global(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: { object? name = Pop(), module = Pop(); Push(Global(AsString(module, at), AsString(name, at))); break; } // STACK_GLOBAL
                case (byte)'Q': Push(PersistentLoad(Pop(), at)); break; // BINPERSID
                case (byte)'R': { object? args = Pop(), callable = Pop(); Push(Reduce(callable, args, at)); break; } // REDUCE
                case 0x81: { object? args = Pop(), cls = Pop(); Push(NewObject(cls, args, at)); break; } // NEWOBJ
                case (byte)'b': Build(Pop(), Peek(), at); break; // BUILD
                default:
                    throw Refuse($"opcode 0x{op:x2} at offset {at} is not allowed in a state dict");
            }
        }
    }

    private CheckpointFormatException Refuse(string problem) => new(_path, problem);

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > (_marks.Count == 0 ? 0 : _marks[^1])
        ? _stack[^1]
        : throw Refuse($"pickle reads an empty stack at offset {_input.Position - 1}");

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Refuse($"pickle pops a mark it never set at offset {_input.Position - 1}");
        }

        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        List<object?> items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private object? Memo(long index) => _memo.TryGetValue(index, out object? value)
        ? value
        : throw Refuse($"pickle reads memo entry {index}, which was never stored");

    // Integers past 64 bits (the legacy format's magic number is 80 bits) are kept as BigInteger;
    // nothing a tensor is built from accepts one.
    private object ReadLong(long byteCount)
    {
        if (byteCount > 64)
        {
            throw Refuse($"integer of {byteCount} bytes at offset {_input.Position} is too large");
        }

        byte[] bytes = _input.ReadBytes(byteCount);
        if (bytes.Length > 8)
        {
            return new System.Numerics.BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        }

        long value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        // Two's complement: sign-extend from the top byte written.
        if (bytes.Length is > 0 and < 8 && (bytes[^1] & 0x80) != 0)
        {
            value -= 1L << (8 * bytes.Length);
        }

        return value;
    }

    private string ReadUtf8(long length)
    {
        byte[] bytes = _input.ReadBytes(length);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Refuse($"string at offset {_input.Position - length} is not valid UTF-8");
        }
    }

    private string ReadLatin1(long length) => Encoding.Latin1.GetString(_input.ReadBytes(length));

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            byte b = _input.ReadByte();
            if (b == (byte)'\n')
            {
                return sb.ToString();
            }

            if (sb.Length >= 256 || b < 0x20 || b > 0x7e)
            {
                throw Refuse($"GLOBAL name at offset {_input.Position - 1} is not a short printable line");
            }

            sb.Append((char)b);
        }
    }

    private string AsString(object? value, long at) => value as string
        ?? throw Refuse($"STACK_GLOBAL at offset {at} names a non-string");

    private PickleGlobal Global(string module, string name)
    {
        if (!PickleWhitelist.TryGet(module, name, out _))
        {
            throw Refuse($"refusing to run code: GLOBAL {module}.{name}");
        }

        return new PickleGlobal(module, name);
    }

    private PickleList ListAt(object? target, long at) => target as PickleList
        ?? throw Refuse($"APPEND at offset {at} on a {Describe(target)}");

    private PickleDict DictAt(object? target, long at) => target as PickleDict
        ?? throw Refuse($"SETITEM at offset {at} on a {Describe(target)}");

    private void SetItems(PickleDict dict, List<object?> items, long at)
    {
        if (items.Count % 2 != 0)
        {
            throw Refuse($"SETITEMS at offset {at} has an odd number of values");
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            object key = items[i] switch
            {
                string or long or double or bool => items[i]!,
                _ => throw Refuse($"dict key at offset {at} is a {Describe(items[i])}"),
            };
            dict.Set(key, items[i + 1]);
        }
    }

    private object? Reduce(object? callable, object? args, long at)
    {
        if (callable is InertValue)
        {
            return InertValue.Instance;
        }

        if (callable is not PickleGlobal global || args is not PickleTuple tuple)
        {
            throw Refuse($"REDUCE at offset {at} calls a {Describe(callable)}");
        }

        object?[] a = tuple.Items;
        switch (PickleWhitelist.KindOf(global))
        {
            case PickleWhitelist.Kind.OrderedDict:
                var dict = new PickleDict();
                if (a.Length == 1 && a[0] is PickleList pairs)
                {
                    foreach (object? pair in pairs.Items)
                    {
                        if (pair is not PickleTuple { Items.Length: 2 } kv)
                        {
                            throw Refuse($"OrderedDict at offset {at} is built from a non-pair");
                        }

                        SetItems(dict, [kv.Items[0], kv.Items[1]], at);
                    }
                }
                else if (a.Length != 0)
                {
                    throw Refuse($"OrderedDict at offset {at} is called with {a.Length} arguments");
                }

                return dict;
            case PickleWhitelist.Kind.RebuildTensor:
                return RebuildTensor(a, at);
            case PickleWhitelist.Kind.RebuildParameter:
                return a.Length >= 1 && a[0] is TensorRef t ? t : throw Refuse($"_rebuild_parameter at offset {at} wraps a {Describe(a.Length > 0 ? a[0] : null)}");
            case PickleWhitelist.Kind.Size:
                return a.Length == 1 && a[0] is PickleTuple size ? size : throw Refuse($"torch.Size at offset {at} is not built from a tuple");
            case PickleWhitelist.Kind.Set:
                return a.Length == 1 && a[0] is PickleList items ? items : throw Refuse($"set at offset {at} is not built from a list");
            case PickleWhitelist.Kind.Inert:
                return InertValue.Instance;
            default:
                throw Refuse($"REDUCE at offset {at} calls {global.FullName}, which a state dict never calls");
        }
    }

    private TensorRef RebuildTensor(object?[] a, long at)
    {
        if (a.Length < 4 || a[0] is not StorageRef storage || a[1] is not long offset
            || a[2] is not PickleTuple size || a[3] is not PickleTuple stride || size.Items.Length != stride.Items.Length)
        {
            throw Refuse($"_rebuild_tensor at offset {at} has arguments a tensor never has");
        }

        long[] shape = new long[size.Items.Length];
        long[] strides = new long[size.Items.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (size.Items[i] is not long d || d < 0 || stride.Items[i] is not long s || s < 0)
            {
                throw Refuse($"_rebuild_tensor at offset {at} has a negative or non-integer size or stride");
            }

            shape[i] = d;
            strides[i] = s;
        }

        if (offset < 0)
        {
            throw Refuse($"_rebuild_tensor at offset {at} has a negative storage offset");
        }

        return new TensorRef(storage, offset, shape, strides);
    }

    private object NewObject(object? cls, object? args, long at) => cls switch
    {
        InertValue => InertValue.Instance,
        PickleGlobal g when PickleWhitelist.KindOf(g) == PickleWhitelist.Kind.Inert => InertValue.Instance,
        PickleGlobal g when PickleWhitelist.KindOf(g) == PickleWhitelist.Kind.OrderedDict && args is PickleTuple { Items.Length: 0 } => new PickleDict(),
        _ => throw Refuse($"NEWOBJ at offset {at} instantiates a {Describe(cls)}"),
    };

    // BUILD sets an object's state. A state dict's OrderedDict carries `_metadata` that way; it is
    // dropped (safetensors has nowhere to keep it). BUILD on anything else would be running a class.
    private void Build(object? state, object? target, long at)
    {
        if (target is PickleDict or InertValue or TensorRef)
        {
            return;
        }

        throw Refuse($"BUILD at offset {at} on a {Describe(target)} (state {Describe(state)})");
    }

    private StorageRef PersistentLoad(object? pid, long at)
    {
        if (pid is not PickleTuple { Items.Length: 5 or 6 } t || t.Items[0] is not "storage"
            || !PickleWhitelist.TryStorageDType(t.Items[1], out DType dtype) || t.Items[2] is not string key || t.Items[4] is not long numel || numel < 0)
        {
            throw Refuse($"persistent id at offset {at} is not a torch storage");
        }

        if (t.Items.Length == 6 && t.Items[5] is not null)
        {
            throw Refuse($"storage '{key}' is a view of another storage (PyTorch < 1.0 layout), which is not supported");
        }

        if (_storages.TryGetValue(key, out StorageRef? known))
        {
            if (known.DType != dtype || known.ElementCount != numel)
            {
                throw Refuse($"storage '{key}' is declared twice with different types or sizes");
            }

            return known;
        }

        var storage = new StorageRef(key, dtype, numel);
        _storages.Add(key, storage);
        return storage;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickleGlobal g => g.FullName,
        string => "string",
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => value.GetType().Name,
    };
}

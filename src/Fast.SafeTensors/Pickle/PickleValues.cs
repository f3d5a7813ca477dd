namespace Fast.SafeTensors.Pickle;

// The restricted unpickler builds only these inert values: data, never Python objects. A value the
// whitelist lets through but that has no meaning for a state dict (a Lightning callback, a numpy
// scalar) becomes an InertValue, so nothing downstream can mistake it for a tensor.

/// <summary>A pickled tuple.</summary>
internal sealed record PickleTuple(object?[] Items);

/// <summary>A pickled list or set (order kept; sets only ever hold data here).</summary>
internal sealed class PickleList
{
    public List<object?> Items { get; } = [];
}

/// <summary>A pickled dict or OrderedDict: insertion order kept, a repeated key replaces the value in place.</summary>
internal sealed class PickleDict
{
    private readonly Dictionary<object, int> _index = [];

    public List<KeyValuePair<object, object?>> Entries { get; } = [];

    public void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out int at))
        {
            Entries[at] = new KeyValuePair<object, object?>(key, value);
            return;
        }

        _index.Add(key, Entries.Count);
        Entries.Add(new KeyValuePair<object, object?>(key, value));
    }

    public object? Get(string key) => _index.TryGetValue(key, out int at) ? Entries[at].Value : null;
}

/// <summary>A GLOBAL that passed the whitelist, not yet applied.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A whitelisted value with no meaning for a state dict; calling or building it gives another.</summary>
internal sealed class InertValue
{
    public static InertValue Instance { get; } = new();
}

/// <summary>A storage named by a persistent id: its key in the archive, element type and element count.</summary>
internal sealed record StorageRef(string Key, DType DType, long ElementCount);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> would build it: a strided view of a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long StorageOffset, long[] Shape, long[] Stride);

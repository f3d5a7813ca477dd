namespace Fast.SafeTensors.Pickle;

/// <summary>
/// The only globals a checkpoint may name, and what "calling" each one means here. Everything a
/// state dict needs is data (containers, tensors as views of storages, sizes); the inert entries are
/// what real Stable Diffusion checkpoints carry beside the weights (Lightning's ModelCheckpoint,
/// numpy scalars in training state) and match AUTOMATIC1111's <c>modules/safe.py</c>. Nothing named
/// here is ever executed: the unpickler is not Python, it only builds the values below.
/// </summary>
internal static class PickleWhitelist
{
    public enum Kind
    {
        OrderedDict,
        RebuildTensor,
        RebuildParameter,
        Size,
        Set,
        Storage,
        Inert,
    }

    private static readonly Dictionary<string, Kind> s_kinds = new(StringComparer.Ordinal)
    {
        ["collections.OrderedDict"] = Kind.OrderedDict,
        ["torch._utils._rebuild_tensor_v2"] = Kind.RebuildTensor,
        ["torch._utils._rebuild_tensor"] = Kind.RebuildTensor,
        ["torch._utils._rebuild_parameter"] = Kind.RebuildParameter,
        ["torch._utils._rebuild_parameter_with_state"] = Kind.RebuildParameter,
        ["torch.Size"] = Kind.Size,
        ["builtins.set"] = Kind.Set,
        ["__builtin__.set"] = Kind.Set,
        ["torch.FloatStorage"] = Kind.Storage,
        ["torch.HalfStorage"] = Kind.Storage,
        ["torch.BFloat16Storage"] = Kind.Storage,
        ["torch.DoubleStorage"] = Kind.Storage,
        ["torch.LongStorage"] = Kind.Storage,
        ["torch.IntStorage"] = Kind.Storage,
        ["torch.ShortStorage"] = Kind.Storage,
        ["torch.CharStorage"] = Kind.Storage,
        ["torch.ByteStorage"] = Kind.Storage,
        ["torch.BoolStorage"] = Kind.Storage,
        ["torch.UntypedStorage"] = Kind.Storage,
        ["torch.nn.modules.container.ParameterDict"] = Kind.Inert,
        ["pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint"] = Kind.Inert,
        ["numpy.core.multiarray.scalar"] = Kind.Inert,
        ["numpy.core.multiarray._reconstruct"] = Kind.Inert,
        ["numpy.dtype"] = Kind.Inert,
        ["numpy.ndarray"] = Kind.Inert,
        ["_codecs.encode"] = Kind.Inert,
    };

    private static readonly Dictionary<string, DType> s_storageTypes = new(StringComparer.Ordinal)
    {
        ["torch.FloatStorage"] = DType.F32,
        ["torch.HalfStorage"] = DType.F16,
        ["torch.BFloat16Storage"] = DType.BF16,
        ["torch.DoubleStorage"] = DType.F64,
        ["torch.LongStorage"] = DType.I64,
        ["torch.IntStorage"] = DType.I32,
        ["torch.ShortStorage"] = DType.I16,
        ["torch.CharStorage"] = DType.I8,
        ["torch.ByteStorage"] = DType.U8,
        ["torch.BoolStorage"] = DType.BOOL,
        ["torch.UntypedStorage"] = DType.U8,
    };

    public static bool TryGet(string module, string name, out Kind kind) =>
        s_kinds.TryGetValue(module + "." + name, out kind);

    public static Kind KindOf(PickleGlobal global) => s_kinds[global.FullName];

    public static bool TryStorageDType(object? value, out DType dtype)
    {
        dtype = default;
        return value is PickleGlobal g && s_storageTypes.TryGetValue(g.FullName, out dtype);
    }
}

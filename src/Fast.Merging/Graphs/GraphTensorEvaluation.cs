using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>
/// Evaluates one merged tensor of a recipe graph in pieces of at most <see cref="GraphWorkspace.PieceElements"/>
/// elements. Each merge node gets a <see cref="MethodTensorState"/>; in evaluation order, a node with streaming passes
/// (slerp, model stock, a split ties trim) sweeps the tensor once per pass, evaluating its operands piece by piece from
/// the inputs (upstream nodes' passes are already done); a last sweep evaluates the output and writes each piece.
/// A tensor that fits in one piece is read and widened once and every node result is kept across the sweeps, as
/// whole-tensor evaluation did; a larger one is recomputed from the inputs in each sweep instead of being held,
/// which is what keeps memory flat. Sweeps go in index order, so reductions and the trim's ties keep the order of
/// the whole tensor and the bytes do not depend on the piece size. With a device (device gpu) every node's elementwise
/// part runs there on the same f32 pieces; reading, widening, the reductions and the narrowing stay on the CPU.
/// </summary>
internal sealed class GraphTensorEvaluation
{
    private readonly GraphPlan _plan;
    private readonly IReadOnlyDictionary<string, SafeTensorsFile> _files;
    private readonly IReadOnlyDictionary<string, GraphMerge> _merges;
    private readonly GraphTensor _tensor;
    private readonly GraphWorkspace _workspace;
    private readonly IMethodAccelerator? _device;
    private readonly long _elements;
    private readonly bool _whole;
    private readonly Dictionary<string, MethodTensorState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (float[] Data, ElementType Type)> _piece = new(StringComparer.Ordinal);

    public GraphTensorEvaluation(GraphPlan plan, IReadOnlyDictionary<string, SafeTensorsFile> files, IReadOnlyDictionary<string, GraphMerge> merges, GraphTensor tensor, GraphWorkspace workspace, IMethodAccelerator? device)
    {
        _device = device;
        _plan = plan;
        _files = files;
        _merges = merges;
        _tensor = tensor;
        _workspace = workspace;
        _elements = files[plan.Primary][tensor.Name].ElementCount;
        _whole = _elements <= workspace.PieceElements;
        foreach (GraphMerge merge in plan.Order)
        {
            MergeMethodEntry method = MergeMethodCatalog.Find(merge.Method)!;
            _states[merge.Name] = method.CreateState(tensor.Parameters[merge.Name], _elements, _whole);
        }
    }

    /// <summary>Runs every node's passes, then writes the output tensor.</summary>
    public void Run(SafeTensorsWriter writer, CancellationToken cancellation)
    {
        foreach (GraphMerge merge in _plan.Order)
        {
            MethodTensorState state = _states[merge.Name];
            for (int pass = 0; pass < state.Passes; pass++)
            {
                Sweep(
                    (start, count) =>
                    {
                        using MethodOperands operands = Operands(merge, start, count);
                        state.Observe(pass, operands);
                    },
                    _workspace.PieceElements,
                    CachedPiece(),
                    cancellation);
                state.EndPass(pass);
            }
        }

        ElementType outputType = ElementTypes.Of(_tensor.OutputDType);
        int size = ElementTypeInfo.SizeOf(outputType);
        Sweep(
            (start, count) =>
            {
                float[] output = Value(_plan.Recipe.Output, start, count).Data;
                Span<byte> narrowed = _workspace.Narrowed(count * size);
                ElementConvert.Narrow(output.AsSpan(0, count), narrowed, outputType);
                writer.Write(_tensor.Name, start * size, narrowed);
            },
            CachedPiece(),
            CachedPiece(),
            cancellation);
    }

    /// <summary>
    /// The piece of a split tensor's sweeps on the CPU: its pieces are re-read from the inputs in every sweep anyway, so
    /// they go through in <see cref="CachedPieceElements"/> (the bytes do not depend on the piece size): every read,
    /// widened, merged and narrowed array of a piece then stays in the core's cache, where a full-size piece's
    /// (megabytes per operand) went out to memory and back at every step. The streaming passes keep a full-size first
    /// piece: the trim's bracket is sampled from it. A whole tensor is one piece (its state may hold it whole), and a
    /// device wants large pieces.
    /// </summary>
    private int CachedPiece() => _whole || _device is not null ? _workspace.PieceElements : Math.Min(_workspace.PieceElements, CachedPieceElements);

    /// <summary>A cache-sized piece: 64 Ki elements, a quarter of a megabyte per f32 operand (a multiple of 4096 elements, as every piece).</summary>
    internal const int CachedPieceElements = 1 << 16;

    /// <summary>
    /// Calls <paramref name="body"/> for each piece in index order (one empty piece for an empty tensor): the first of
    /// <paramref name="firstPiece"/> elements, the next ones of <paramref name="piece"/>.
    /// </summary>
    private void Sweep(Action<long, int> body, int firstPiece, int piece, CancellationToken cancellation)
    {
        foreach (MethodTensorState state in _states.Values)
        {
            state.Rewind();
        }

        long start = 0;
        do
        {
            cancellation.ThrowIfCancellationRequested();
            int count = (int)Math.Min(start == 0 ? firstPiece : piece, _elements - start);
            if (!_whole)
            {
                _piece.Clear(); // the previous piece's values
            }

            body(start, count);
            start += count;
        }
        while (start < _elements);
    }

    private MethodOperands Operands(GraphMerge merge, long start, int count)
    {
        (float[] Data, ElementType Type)? baseValue = merge.Base is null ? null : Value(merge.Base, start, count);
        var models = merge.Models.Select(m => Value(m, start, count)).ToList();
        return new MethodOperands(
            _tensor.Name, start, count, baseValue?.Data, baseValue?.Type ?? ElementType.F32, [.. models.Select(m => m.Data)], [.. models.Select(m => m.Type)], _workspace.Scratch, _device);
    }

    /// <summary>Input or node <paramref name="name"/> over the current piece, computed once per piece.</summary>
    private (float[] Data, ElementType Type) Value(string name, long start, int count)
    {
        if (_piece.TryGetValue(name, out var known))
        {
            return known;
        }

        float[] values = _workspace.Values(name);
        if (_merges.TryGetValue(name, out GraphMerge? merge))
        {
            using (MethodOperands operands = Operands(merge, start, count))
            {
                _states[name].Evaluate(operands, values.AsSpan(0, count));
            }

            return _piece[name] = (values, ElementType.F32);
        }

        // An input, read and widened once per piece whichever merges read it.
        SafeTensorsFile file = _files[name];
        TensorInfo info = file[_tensor.Name];
        ElementType type = ElementTypes.Of(info.DType);
        int size = ElementTypeInfo.SizeOf(type);
        Span<byte> stored = _workspace.Stored(count * size);
        file.CopyTo(info, start * size, stored);
        ElementConvert.Widen(stored, type, values.AsSpan(0, count));
        return _piece[name] = (values, type);
    }
}

using System.Runtime.CompilerServices;
using Fast.Kernels;
using Fast.Merging.Execution.Calcmodes;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.PositionIds;
using Fast.Merging.Randomness;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The per-operation code of the engines: copies A, merges a range of elements, a whole tensor or an
/// inpainting tensor's leading channels, and position ids, writing the output bytes of one planned tensor into the
/// sink. Shared by <see cref="MergeEngine"/> (one plan) and the bulk engine (many plans over shared input reads);
/// every input byte is read through <see cref="MergeSources.Reader"/>.
/// </summary>
internal sealed class TensorOperations(MergePlan plan, MergeSources sources, IMergeSink sink, WholeTensorMerge whole, IMergeAccelerator? elementwiseDevice)
{
    /// <summary>Plus random's noise elements drawn and added at a time (16 KiB of f32: L1-resident, a multiple of 16).</summary>
    private const int NoiseBlock = 4096;

    /// <summary>torch's Box–Muller block: a plus random block may run up to this many elements past <see cref="NoiseBlock"/>.</summary>
    private const int NoiseBlockSlack = 16;

    private readonly SafeTensorsFile _a = sources.A;
    private readonly SafeTensorsFile _b = sources.B;
    private readonly SafeTensorsFile? _c = sources.C;
    private readonly MergeMode _mode = plan.Recipe.Mode;
    private readonly bool _modeUsesC = MergeModeCatalog.Get(plan.Recipe.Mode).UsesC;
    private readonly bool _wholeTensor = CalcModeCatalog.Get(plan.Recipe.CalcMode).WholeTensor;
    private readonly IInputReader _reader = sources.Reader;
    private readonly ElementRangeWork _ranges = CalcModeCatalog.Get(plan.Recipe.CalcMode).Ranges;

    /// <summary>
    /// True when <paramref name="t"/> can be done as independent element ranges (<see cref="Execute"/> with a
    /// non-zero count): a merge of whole channels whose calcmode declares element-range work (<see cref="CalcModeEntry.Ranges"/>),
    /// or, with <paramref name="copies"/>, a copy of A whose
    /// elements are whole bytes. Everything else is one whole-tensor operation.
    /// </summary>
    public static bool IsChunkable(PlannedTensor t, CalcMode calcMode, bool copies)
    {
        if (t.Action == TensorAction.Merge)
        {
            // The catalog says whether the calcmode's work splits into ranges (CalcModeEntry.Ranges); an inpainting
            // tensor's merged channels and Adjust's keys are whole-tensor work whatever the calcmode.
            bool elementwise = CalcModeCatalog.Get(calcMode).Ranges != ElementRangeWork.None;
            return elementwise && t.MergedChannels is null && t.Adjust is null;
        }

        return copies && t.Action == TensorAction.CopyA && DTypeInfo.BitSize(t.OutputDType) % 8 == 0;
    }

    /// <summary>
    /// Does one work item and returns the output bytes it wrote: elements <paramref name="start"/>..+<paramref name="count"/>
    /// of a chunkable tensor (see <see cref="IsChunkable"/>), or the whole tensor when <paramref name="count"/> is 0.
    /// </summary>
    public long Execute(PlannedTensor t, long start, int count, WorkScratch scratch)
    {
        switch (t.Action)
        {
            case TensorAction.ResetPositionIds:
                byte[] ids = PositionIdsReset.CreateBytes((int)t.Shape[1]);
                sink.Write(t, 0, ids);
                return ids.Length;
            case TensorAction.MergePositionIds:
                return MergePositionIds(t);
            case TensorAction.CopyA when count > 0:
                return CopyARange(t, _a[t.Name], start, count, scratch);
            case TensorAction.CopyA:
                return CopyA(t, _a[t.Name], scratch);
            case TensorAction.Merge when t.Adjust is not null:
                return MergeAdjusted(t, scratch);
            case TensorAction.Merge when count > 0:
                return MergeElementRange(t, start, count, scratch);
            case TensorAction.Merge when _wholeTensor:
                return MergeWholeTensor(t);
            case TensorAction.Merge when t.MergedChannels is null:
                return MergeRange(t, start, start, start, start, count, scratch);
            default:
                return MergeLeadingChannels(t, scratch);
        }
    }

    /// <summary>Elements <paramref name="start"/>..+<paramref name="count"/> of a chunkable merge, as the calcmode's catalog entry says (<see cref="ElementRangeWork"/>).</summary>
    private long MergeElementRange(PlannedTensor t, long start, int count, WorkScratch scratch) => _ranges switch
    {
        ElementRangeWork.ModeOperator => MergeRange(t, start, start, start, start, count, scratch),
        ElementRangeWork.ScaleA => ScaleRange(t, start, count, scratch),
        ElementRangeWork.AddNoiseToA => AddNoiseRange(t, start, count, scratch),
        ElementRangeWork.CosineLerp => CosineRange(t, start, count, scratch),
        _ => throw new InvalidOperationException($"calcmode {plan.Recipe.CalcMode} has no element-range work, yet {t.Name} was cut into ranges"),
    };

    /// <summary>Adjust's keys: merged into a buffer in the reference's dtype for them, adjusted, converted, written.</summary>
    private long MergeAdjusted(PlannedTensor t, WorkScratch scratch)
    {
        DType stored = AdjustedMerge.StoredDType(plan.Recipe, t, _a, _b);
        PlannedTensor inner = t with { OutputDType = stored, Adjust = null };
        long n = t.Shape.Aggregate(1L, (x, d) => x * d);
        var capture = new AdjustedMerge.CaptureSink(checked(n * DTypeInfo.BitSize(stored) / 8));
        var nested = new TensorOperations(plan, sources, capture, whole, elementwiseDevice);
        if (IsChunkable(inner, plan.Recipe.CalcMode, copies: false))
        {
            for (long start = 0; start < n; start += WorkScratch.ChunkElements)
            {
                nested.Execute(inner, start, (int)Math.Min(WorkScratch.ChunkElements, n - start), scratch);
            }
        }
        else
        {
            nested.Execute(inner, 0, 0, scratch);
        }

        bool kept;
        using (var operands = new Operands(sources, t))
        {
            kept = AdjustedMerge.KeptBeforeAdjust(plan.Recipe, operands);
        }

        byte[] output = kept
            ? Converted(capture.Bytes, stored, t.OutputDType)
            : AdjustedMerge.Apply(capture.Bytes, stored, t.Adjust!, t.OutputDType);
        sink.Write(t, 0, output);
        return output.Length;
    }

    private static byte[] Converted(byte[] bytes, DType from, DType to)
    {
        ElementType source = ElementTypes.Of(from), target = ElementTypes.Of(to);
        var output = new byte[bytes.Length / ElementTypeInfo.SizeOf(source) * ElementTypeInfo.SizeOf(target)];
        ElementConvert.Convert(bytes, source, output, target);
        return output;
    }

    private long MergePositionIds(PlannedTensor t)
    {
        float[] a = PositionIdsValues.Read(_reader, _a, _a[t.Name]);
        float[] b = PositionIdsValues.Read(_reader, _b, _b[t.Name]);
        float[]? c = _c is null ? null : PositionIdsValues.Read(_reader, _c, _c[t.Name]);
        PositionIdsValues.MergeNormal(t, _mode, a, b, c);
        byte[] stored = PositionIdsValues.Store(a, t.OutputDType);
        sink.Write(t, 0, stored);
        return stored.Length;
    }

    private long CopyA(PlannedTensor t, TensorInfo source, WorkScratch scratch)
    {
        bool convert = source.DType != t.OutputDType;
        int sourceSize = convert ? DTypeInfo.BitSize(source.DType) / 8 : 1;
        int targetSize = convert ? DTypeInfo.BitSize(t.OutputDType) / 8 : 1;
        long units = convert ? source.ElementCount : source.ByteLength;
        int step = convert ? WorkScratch.ChunkElements : WorkScratch.ScratchBytes;
        for (long i = 0; i < units; i += step)
        {
            int n = (int)Math.Min(step, units - i);
            ReadOnlySpan<byte> input = _reader.Read(_a, source, i * sourceSize, n * sourceSize, scratch.A);
            if (!convert)
            {
                sink.Write(t, i, input);
                continue;
            }

            Span<byte> output = scratch.Output.AsSpan(0, n * targetSize);
            ElementConvert.Convert(input, ElementTypes.Of(source.DType), output, ElementTypes.Of(t.OutputDType));
            sink.Write(t, i * targetSize, output);
        }

        return units * targetSize;
    }

    /// <summary>Elements <paramref name="start"/>..+<paramref name="count"/> of A (at most a chunk), converted where the dtype differs.</summary>
    private long CopyARange(PlannedTensor t, TensorInfo source, long start, int count, WorkScratch scratch)
    {
        int sourceSize = DTypeInfo.BitSize(source.DType) / 8;
        ReadOnlySpan<byte> input = _reader.Read(_a, source, start * sourceSize, count * sourceSize, scratch.A);
        if (source.DType == t.OutputDType)
        {
            sink.Write(t, start * sourceSize, input);
            return input.Length;
        }

        int targetSize = DTypeInfo.BitSize(t.OutputDType) / 8;
        Span<byte> output = scratch.Output.AsSpan(0, count * targetSize);
        ElementConvert.Convert(input, ElementTypes.Of(source.DType), output, ElementTypes.Of(t.OutputDType));
        sink.Write(t, start * targetSize, output);
        return output.Length;
    }

    private long MergeWholeTensor(PlannedTensor t)
    {
        using var operands = new Operands(sources, t);
        ElementType typeOut = ElementTypes.Of(t.OutputDType);
        int sizeOut = ElementTypeInfo.SizeOf(typeOut);
        Span<byte> merged = operands.Rent<byte>(operands.Count * sizeOut);
        whole.Run(operands, merged, typeOut);
        if (t.MergedChannels is null)
        {
            sink.Write(t, 0, merged);
            return merged.Length;
        }

        // Inpainting/pix2pix A: per dim-0 row, the merged leading channels, then A's other channels converted.
        TensorInfo ta = _a[t.Name];
        long rows = t.Shape[0];
        long rowA = ta.ElementCount / rows, rowMerged = operands.Count / rows;
        int sizeA = DTypeInfo.BitSize(ta.DType) / 8;
        Span<byte> kept = operands.Rent<byte>((rowA - rowMerged) * sizeA);
        Span<byte> keptOut = operands.Rent<byte>((rowA - rowMerged) * sizeOut);
        for (long r = 0; r < rows; r++)
        {
            sink.Write(t, r * rowA * sizeOut, merged.Slice((int)(r * rowMerged * sizeOut), (int)(rowMerged * sizeOut)));
            _reader.CopyTo(_a, ta, ((r * rowA) + rowMerged) * sizeA, kept);
            ElementConvert.Convert(kept, ElementTypes.Of(ta.DType), keptOut, typeOut);
            sink.Write(t, ((r * rowA) + rowMerged) * sizeOut, keptOut);
        }

        return ta.ElementCount * sizeOut;
    }

    /// <summary>Calcmode self on elements <paramref name="start"/>..+<paramref name="count"/>: A's range times α in A's dtype (<see cref="Calcmodes.SelfCalcmodes.Scale"/>'s kernel), only A read.</summary>
    private long ScaleRange(PlannedTensor t, long start, int count, WorkScratch scratch)
    {
        TensorInfo ta = _a[t.Name];
        ElementType typeA = ElementTypes.Of(ta.DType), typeOut = ElementTypes.Of(t.OutputDType);
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeOut = ElementTypeInfo.SizeOf(typeOut);
        ReadOnlySpan<byte> sa = _reader.Read(_a, ta, start * sizeA, count * sizeA, scratch.A);
        Span<byte> dst = scratch.Output.AsSpan(0, count * sizeOut);
        DtypeStepKernels.Scale(sa, typeA, t.Alpha, dst, typeOut);
        sink.Write(t, start * sizeOut, dst);
        return dst.Length;
    }

    /// <summary>
    /// Calcmode plus random on elements <paramref name="start"/>..+<paramref name="count"/>: A's range plus α times the
    /// same range of the key's <c>randn_like(A)</c> (<see cref="Calcmodes.PlusRandomStreams"/>), in A's dtype
    /// (<see cref="Calcmodes.SelfCalcmodes.AddNoise"/>'s kernel), only A read. The noise is drawn and added a
    /// <see cref="NoiseBlock"/> at a time from one generator, so it never leaves L1 (drawn for the whole range it made
    /// a round trip through a 512 KiB buffer).
    /// </summary>
    [SkipLocalsInit] // the noise block is drawn before it is read: zeroing 16 KiB per chunk was ~134 MB of memset per SD1.5 merge
    private long AddNoiseRange(PlannedTensor t, long start, int count, WorkScratch scratch)
    {
        PlusRandomStreams streams = whole.Random ?? throw new InvalidOperationException("plus random needs the generator streams of its plan");
        TensorInfo ta = _a[t.Name];
        ElementType typeA = ElementTypes.Of(ta.DType), typeOut = ElementTypes.Of(t.OutputDType);
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeOut = ElementTypeInfo.SizeOf(typeOut);
        ReadOnlySpan<byte> sa = _reader.Read(_a, ta, start * sizeA, count * sizeA, scratch.A);
        Span<byte> dst = scratch.Output.AsSpan(0, count * sizeOut);
        long total = ta.ElementCount;
        Span<float> noise = stackalloc float[NoiseBlock + NoiseBlockSlack];
        if (total < NoiseBlockSlack)
        {
            // A key of fewer than 16 elements is drawn whole (normal_distribution per element, maybe a cached sample).
            streams.Draw(t.Name, typeA, total, start, noise[..count]);
            DtypeStepKernels.AddScaled(sa, typeA, noise[..count], t.Alpha, dst, typeOut);
        }
        else
        {
            // Each block continues the draws where the one before left the generator (TorchRandn.NextPieceLength).
            TorchCpuGenerator generator = streams.For(t.Name, start);
            for (int offset = 0; offset < count;)
            {
                int length = TorchRandn.NextPieceLength(count - offset, NoiseBlock);
                Span<float> block = noise[..length];
                TorchRandn.FillRange(generator, typeA, total, start + offset, block);
                DtypeStepKernels.AddScaled(sa.Slice(offset * sizeA, length * sizeA), typeA, block, t.Alpha, dst.Slice(offset * sizeOut, length * sizeOut), typeOut);
                offset += length;
            }
        }

        sink.Write(t, start * sizeOut, dst);
        return dst.Length;
    }

    /// <summary>cosineA/cosineB on elements <paramref name="start"/>..+<paramref name="count"/> (<see cref="WholeTensorMerge.CosineRange"/>).</summary>
    private long CosineRange(PlannedTensor t, long start, int count, WorkScratch scratch)
    {
        TensorInfo ta = _a[t.Name], tb = _b[t.Name];
        ElementType typeA = ElementTypes.Of(ta.DType), typeB = ElementTypes.Of(tb.DType), typeOut = ElementTypes.Of(t.OutputDType);
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeOut = ElementTypeInfo.SizeOf(typeOut);
        ReadOnlySpan<byte> sa = _reader.Read(_a, ta, start * sizeA, count * sizeA, scratch.A);
        ReadOnlySpan<byte> sb = _reader.Read(_b, tb, start * sizeB, count * sizeB, scratch.B);
        ReadOnlySpan<byte> sc = default;
        ElementType typeC = typeB;
        if (_modeUsesC)
        {
            TensorInfo tc = _c![t.Name];
            typeC = ElementTypes.Of(tc.DType);
            sc = _reader.Read(_c, tc, start * ElementTypeInfo.SizeOf(typeC), count * ElementTypeInfo.SizeOf(typeC), scratch.C);
        }

        Span<byte> dst = scratch.Output.AsSpan(0, count * sizeOut);
        whole.CosineRange(t, start, sa, typeA, sb, typeB, sc, typeC, dst, typeOut);
        sink.Write(t, start * sizeOut, dst);
        return dst.Length;
    }

    /// <summary>Merges <paramref name="count"/> elements starting at the given element offsets of the output, A, B and C.</summary>
    private long MergeRange(PlannedTensor t, long outStart, long aStart, long bStart, long cStart, int count, WorkScratch scratch)
    {
        TensorInfo ta = _a[t.Name], tb = _b[t.Name];
        ElementType typeA = ElementTypes.Of(ta.DType), typeB = ElementTypes.Of(tb.DType), typeOut = ElementTypes.Of(t.OutputDType);
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeB = ElementTypeInfo.SizeOf(typeB), sizeOut = ElementTypeInfo.SizeOf(typeOut);
        ReadOnlySpan<byte> sa = _reader.Read(_a, ta, aStart * sizeA, count * sizeA, scratch.A);
        ReadOnlySpan<byte> sb = _reader.Read(_b, tb, bStart * sizeB, count * sizeB, scratch.B);
        Span<byte> dst = scratch.Output.AsSpan(0, count * sizeOut);
        ReadOnlySpan<byte> sc = default;
        ElementType typeC = ElementType.F32;
        if (_modeUsesC)
        {
            TensorInfo tc = _c![t.Name];
            typeC = ElementTypes.Of(tc.DType);
            int sizeC = ElementTypeInfo.SizeOf(typeC);
            sc = _reader.Read(_c, tc, cStart * sizeC, count * sizeC, scratch.C);
        }

        if (plan.Recipe.OldCalc && OldCalcMerge.Applies(_mode))
        {
            OldCalcMerge.Run(_mode, sa, typeA, sb, typeB, sc, typeC, t.Alpha, t.Beta, dst, typeOut);
        }
        else if (elementwiseDevice is not null)
        {
            elementwiseDevice.Merge(_mode, sa, typeA, sb, typeB, sc, typeC, t.Alpha, t.Beta, dst, typeOut);
        }
        else
        {
            ElementwiseMerge.Run(_mode, sa, typeA, sb, typeB, sc, typeC, t.Alpha, t.Beta, dst, typeOut);
        }

        sink.Write(t, outStart * sizeOut, dst);
        return dst.Length;
    }

    /// <summary>Inpainting/pix2pix A: per dim-0 row, merge the first channels with B/C and keep A's others.</summary>
    private long MergeLeadingChannels(PlannedTensor t, WorkScratch scratch)
    {
        TensorInfo ta = _a[t.Name];
        long rows = t.Shape[0];
        long rowA = ta.ElementCount / rows;
        long rowMerged = rowA / t.Shape[1] * t.MergedChannels!.Value;
        long RowOf(SafeTensorsFile? file) => file is not null && file[t.Name].Shape[1] == t.Shape[1] ? rowA : rowMerged;
        long rowB = RowOf(_b), rowC = RowOf(_c);
        ElementType typeA = ElementTypes.Of(ta.DType), typeOut = ElementTypes.Of(t.OutputDType);
        int sizeA = ElementTypeInfo.SizeOf(typeA), sizeOut = ElementTypeInfo.SizeOf(typeOut);
        int keep = (int)(rowA - rowMerged);
        for (long row = 0; row < rows; row++)
        {
            // A row is at most 9 channels of a conv kernel: far below the chunk size.
            MergeRange(t, row * rowA, row * rowA, row * rowB, row * rowC, (int)rowMerged, scratch);
            ReadOnlySpan<byte> kept = _reader.Read(_a, ta, ((row * rowA) + rowMerged) * sizeA, keep * sizeA, scratch.A);
            Span<byte> dst = scratch.Output.AsSpan(0, keep * sizeOut);
            ElementConvert.Convert(kept, typeA, dst, typeOut);
            sink.Write(t, ((row * rowA) + rowMerged) * sizeOut, dst);
        }

        return ta.ElementCount * sizeOut;
    }
}

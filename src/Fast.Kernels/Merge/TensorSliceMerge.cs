namespace Fast.Kernels;

/// <summary>
/// The <c>tensor</c> and <c>tensor2</c> calcmodes (SPEC §4): instead of blending, a band of rows (tensor) or
/// of dim-1 slices (tensor2) is exchanged between A and B, exactly as the reference's <c>tensormerge</c>,
/// including its quirks: bounds are <c>int(n·t)</c> of double products (truncated toward zero) and are then
/// used as Python slice bounds (negative values count from the end, out-of-range values clamp); tensor2 takes
/// n from dim 1 only when <c>shape[1] &gt; 100</c> but always slices dim 1 of tensors with 2 or more dims;
/// tensors with more than 4 dims get no band (the base tensor alone). A whole-tensor operation.
/// </summary>
public static class TensorSliceMerge
{
    /// <summary>Which tensor the result starts from, and the band copied into it from the other one.</summary>
    internal readonly record struct Plan(bool BaseIsA, int Axis, long Start, long End);

    /// <summary>
    /// Writes the tensor/tensor2 merge of <paramref name="a"/> and <paramref name="b"/> (both of shape
    /// <paramref name="shape"/>) into <paramref name="destination"/>, converting every element to
    /// <paramref name="destinationType"/>. A 0-dim tensor keeps A.
    /// </summary>
    /// <param name="a">Model A's tensor.</param>
    /// <param name="aType">Element type of <paramref name="a"/>.</param>
    /// <param name="b">Model B's tensor.</param>
    /// <param name="bType">Element type of <paramref name="b"/>.</param>
    /// <param name="shape">The common shape.</param>
    /// <param name="alpha">Width of the band, as a fraction of the axis.</param>
    /// <param name="beta">Where the band starts, as a fraction of the axis.</param>
    /// <param name="columns">true for <c>tensor2</c> (dim 1), false for <c>tensor</c> (dim 0).</param>
    /// <param name="destination">Output bytes; must not overlap the inputs.</param>
    /// <param name="destinationType">Element type of <paramref name="destination"/>.</param>
    /// <exception cref="ArgumentException">Sizes disagree with the shape, or the destination overlaps an input.</exception>
    public static void Merge(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        ReadOnlySpan<long> shape, double alpha, double beta, bool columns,
        Span<byte> destination, ElementType destinationType)
    {
        long count = 1;
        foreach (long d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count = checked(count * d);
        }

        int n = Guard.ElementCount(a, aType, nameof(a));
        Guard.SameLength((int)Math.Min(count, int.MaxValue), n, nameof(a));
        Guard.SameLength(n, Guard.ElementCount(b, bType, nameof(b)), nameof(b));
        Guard.SameLength(n, Guard.ElementCount(destination, destinationType, nameof(destination)), nameof(destination));
        Guard.NoPartialOverlap(a, destination, sameFormat: false, nameof(a));
        Guard.NoPartialOverlap(b, destination, sameFormat: false, nameof(b));

        if (shape.Length == 0)
        {
            CopyElements(a, aType, 0, n, destination, destinationType);
            return;
        }

        Plan plan = MakePlan(shape, alpha, beta, columns);
        ReadOnlySpan<byte> baseBytes = plan.BaseIsA ? a : b;
        ElementType baseType = plan.BaseIsA ? aType : bType;
        ReadOnlySpan<byte> bandBytes = plan.BaseIsA ? b : a;
        ElementType bandType = plan.BaseIsA ? bType : aType;
        CopyElements(baseBytes, baseType, 0, n, destination, destinationType);
        if (plan.Start >= plan.End)
        {
            return;
        }

        // Row-major: a band on axis k is, for every index of the axes before k, one contiguous run.
        long inner = 1;
        for (int d = plan.Axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }

        long outer = 1;
        for (int d = 0; d < plan.Axis; d++)
        {
            outer *= shape[d];
        }

        long axisLength = shape[plan.Axis];
        int runLength = (int)((plan.End - plan.Start) * inner);
        for (long o = 0; o < outer; o++)
        {
            int first = (int)(((o * axisLength) + plan.Start) * inner);
            CopyElements(bandBytes, bandType, first, runLength, destination, destinationType);
        }
    }

    internal static Plan MakePlan(ReadOnlySpan<long> shape, double alpha, double beta, bool columns)
    {
        int dims = shape.Length;
        bool baseIsA = alpha + beta <= 1;
        double from = baseIsA ? beta : alpha + beta - 1;
        double to = baseIsA ? alpha + beta : beta;
        long boundsLength = columns && dims > 1 && shape[1] > 100 ? shape[1] : shape[0];
        long start = (long)(boundsLength * from);
        long end = (long)(boundsLength * to);
        if (dims > 4)
        {
            return new Plan(baseIsA, 0, 0, 0);
        }

        int axis = columns && dims > 1 ? 1 : 0;
        long axisLength = shape[axis];
        return new Plan(baseIsA, axis, PythonSliceBound(start, axisLength), PythonSliceBound(end, axisLength));
    }

    private static long PythonSliceBound(long bound, long length)
    {
        if (bound < 0)
        {
            bound += length;
        }

        return Math.Clamp(bound, 0, length);
    }

    private static void CopyElements(ReadOnlySpan<byte> source, ElementType sourceType, int first, int count, Span<byte> destination, ElementType destinationType)
    {
        int inSize = ElementTypeInfo.SizeOf(sourceType);
        int outSize = ElementTypeInfo.SizeOf(destinationType);
        ReadOnlySpan<byte> from = source.Slice(first * inSize, count * inSize);
        Span<byte> to = destination.Slice(first * outSize, count * outSize);
        if (sourceType == destinationType && sourceType != ElementType.F64)
        {
            from.CopyTo(to); // widening then narrowing within one 8/16/32-bit format is the identity (up to NaN payloads)
        }
        else
        {
            ElementConvert.Convert(from, sourceType, to, destinationType);
        }
    }
}

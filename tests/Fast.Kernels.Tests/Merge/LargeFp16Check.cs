using Fast.Kernels.Tests.Support;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// The large fp16 check shared by the stored-kernel and half-pair tests: over <c>N = 4 Mi + 45</c> elements of the
/// given inputs, at a 0 and an odd element shift, lerp (α 0.3) into a separate buffer and add difference (α 0.7) in
/// place equal widen → f32 kernel → narrow, bit for bit.
/// </summary>
internal static class LargeFp16Check
{
    public const int N = (4 * 1024 * 1024) + 45;

    /// <summary>Inputs must hold N + 40 fp16 values each.</summary>
    public static void LerpAndAddDifferenceMatchWidenComputeNarrow(byte[] a, byte[] b, byte[] c, int oddShift)
    {
        foreach (int shift in new[] { 0, oddShift })
        {
            Span<byte> sa = a.AsSpan(shift * 2, N * 2), sb = b.AsSpan(shift * 2, N * 2), sc = c.AsSpan(shift * 2, N * 2);
            float[] af = Widen(sa), bf = Widen(sb), cf = Widen(sc);
            var r = new float[N];
            var expected = new byte[N * 2];
            MergeKernels.Lerp(af, bf, 0.3f, r);
            ElementConvert.Narrow(r, expected, ElementType.F16);
            var destination = new byte[(N + 40) * 2];
            MergeKernels.Lerp(sa, ElementType.F16, sb, ElementType.F16, 0.3f, destination.AsSpan(shift * 2, N * 2), ElementType.F16);
            Bits.AssertSameStored(expected, destination.AsSpan(shift * 2, N * 2), ElementType.F16, $"lerp shift {shift}");

            MergeKernels.AddDifference(af, bf, cf, ElementType.F16, 0.7f, r);
            ElementConvert.Narrow(r, expected, ElementType.F16);
            byte[] inPlace = a.ToArray();
            Span<byte> target = inPlace.AsSpan(shift * 2, N * 2);
            MergeKernels.AddDifference(target, ElementType.F16, sb, ElementType.F16, sc, ElementType.F16, 0.7f, target, ElementType.F16);
            Bits.AssertSameStored(expected, target, ElementType.F16, $"in-place add difference shift {shift}");
        }
    }

    private static float[] Widen(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / 2];
        ElementConvert.Widen(bytes, ElementType.F16, values);
        return values;
    }
}

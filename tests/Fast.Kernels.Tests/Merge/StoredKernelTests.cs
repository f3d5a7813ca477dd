using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// The stored-tensor overloads (fused single pass for one shared format, blocked otherwise) equal widening with
/// ElementConvert, running the binary32 overload, and narrowing: every length 0..257 and beyond a block, mixed
/// formats, in place, and chunk by chunk.
/// </summary>
[Trait("Isa", "Core")]
public class StoredKernelTests
{
    private static readonly (ElementType A, ElementType B, ElementType D)[] s_combos =
    [
        (ElementType.F16, ElementType.F16, ElementType.F16),
        (ElementType.BF16, ElementType.BF16, ElementType.BF16),
        (ElementType.F32, ElementType.F32, ElementType.F32),
        (ElementType.F16, ElementType.BF16, ElementType.F32),
        (ElementType.F32, ElementType.F16, ElementType.F16),
        (ElementType.F64, ElementType.F8E4M3, ElementType.F8E5M2),
    ];

    [Fact]
    public void Stored_overloads_equal_widen_compute_narrow()
    {
        int[] lengths = [.. Enumerable.Range(0, 258), 1024, 1025, 3000];
        foreach (var (ta, tb, td) in s_combos)
        {
            foreach (int n in lengths)
            {
                byte[] a = TestData.Stored(n, ta, n);
                byte[] b = TestData.Stored(n, tb, n + 1);
                byte[] c = TestData.Stored(n, tb, n + 2);
                float[] af = Widen(a, ta), bf = Widen(b, tb), cf = Widen(c, tb);
                string ctx = $"{ta}/{tb}->{td} n={n}";

                Check(ctx + " lerp", td, n, r => MergeKernels.Lerp(af, bf, 0.7f, r), d => MergeKernels.Lerp(a, ta, b, tb, 0.7f, d, td));
                Check(ctx + " ad", td, n, r => MergeKernels.AddDifference(af, bf, cf, tb, 0.3f, r), d => MergeKernels.AddDifference(a, ta, b, tb, c, tb, 0.3f, d, td));
                Check(ctx + " ts", td, n, r => MergeKernels.TripleSum(af, bf, cf, 0.3, 0.2, r), d => MergeKernels.TripleSum(a, ta, b, tb, c, tb, 0.3, 0.2, d, td));
                Check(ctx + " st", td, n, r => MergeKernels.SumTwice(af, bf, cf, 0.3f, 0.6f, r), d => MergeKernels.SumTwice(a, ta, b, tb, c, tb, 0.3f, 0.6f, d, td));
                Check(ctx + " td", td, n, r => MergeKernels.TrainDifference(af, bf, cf, 0.5, r), d => MergeKernels.TrainDifference(a, ta, b, tb, c, tb, 0.5, d, td));
            }
        }
    }

    [Fact]
    public void In_place_and_chunked_calls_equal_one_call()
    {
        const int N = 2500;
        foreach (ElementType t in new[] { ElementType.F16, ElementType.BF16, ElementType.F32, ElementType.F8E4M3 })
        {
            int size = ElementTypeInfo.SizeOf(t);
            byte[] a = TestData.Stored(N, t, 1), b = TestData.Stored(N, t, 2), c = TestData.Stored(N, t, 3);
            var whole = new byte[a.Length];
            MergeKernels.AddDifference(a, t, b, t, c, t, 0.5f, whole, t);

            byte[] inPlace = (byte[])a.Clone();
            MergeKernels.AddDifference(inPlace, t, b, t, c, t, 0.5f, inPlace, t);

            // Up to NaN payloads (SPEC §2): when two NaNs meet in a scalar add, x86 returns the first operand, and
            // tier-0 and tier-1 code of the same loop may order the operands differently (seen with HWIntrinsic=0).
            Bits.AssertSameStored(whole, inPlace, t, $"{t} in place");

            var chunked = new byte[a.Length];
            for (int start = 0; start < N; start += 333)
            {
                int len = Math.Min(333, N - start) * size;
                int at = start * size;
                MergeKernels.AddDifference(a.AsSpan(at, len), t, b.AsSpan(at, len), t, c.AsSpan(at, len), t, 0.5f, chunked.AsSpan(at, len), t);
            }

            Bits.AssertSameStored(whole, chunked, t, $"{t} chunked");
        }
    }

    /// <summary>
    /// fp16 outputs of 8 MiB and more are written with streaming stores from the first 64-byte boundary on; at
    /// every misalignment, and in place, they still equal widen → binary32 kernel → narrow.
    /// </summary>
    [Fact]
    public void Large_fp16_outputs_equal_widen_compute_narrow_at_any_alignment()
    {
        const int N = LargeFp16Check.N;
        LargeFp16Check.LerpAndAddDifferenceMatchWidenComputeNarrow(
            TestData.Stored(N + 40, ElementType.F16, 11), TestData.Stored(N + 40, ElementType.F16, 12), TestData.Stored(N + 40, ElementType.F16, 13), oddShift: 17);
    }

    private static void Check(string context, ElementType td, int n, Action<float[]> reference, Action<byte[]> stored)
    {
        var r = new float[n];
        reference(r);
        var expected = new byte[n * ElementTypeInfo.SizeOf(td)];
        ElementConvert.Narrow(r, expected, td);
        var actual = new byte[expected.Length];
        stored(actual);
        Bits.AssertSameStored(expected, actual, td, context);
    }

    private static float[] Widen(byte[] bytes, ElementType type)
    {
        var values = new float[bytes.Length / ElementTypeInfo.SizeOf(type)];
        ElementConvert.Widen(bytes, type, values);
        return values;
    }
}

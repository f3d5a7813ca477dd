using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>Every element-wise merge op against the scalar oracle for lengths 0..257 with special values.</summary>
public sealed class MergeOperationTests
{
    private const int MaxLength = 257;

    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Lerp_matches_torch_fma_form(string backendName)
    {
        float[] weights = [0.3f, 0.5f, -0.49999997f, 0.75f, 1f, 0f, -0.6f, 1.5f];
        RunAllLengths(backendName, 2, (backend, inputs, output, length) =>
        {
            float weight = weights[length % weights.Length];
            backend.Lerp(inputs[0], inputs[1], weight, output);
            return i => ScalarOracle.Lerp(Value(inputs, 0, i), Value(inputs, 1, i), weight);
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void WeightedSum_keeps_A_at_0_copies_B_at_1_and_lerps_otherwise(string backendName)
    {
        // The inputs hold NaN, ±∞ and −0: at α = 0 / 1 none of the other model's may reach the result (SPEC §3).
        double[] weights = [0, 1, 0.3, 0.9999999999, 1e-12, 0.75];
        RunAllLengths(backendName, 2, (backend, inputs, output, length) =>
        {
            double alpha = weights[length % weights.Length];
            backend.WeightedSum(inputs[0], inputs[1], alpha, output);
            return i => alpha == 0 ? Value(inputs, 0, i) : alpha == 1 ? Value(inputs, 1, i) : ScalarOracle.Lerp(Value(inputs, 0, i), Value(inputs, 1, i), (float)alpha);
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void WeightedSum_in_place_on_B_at_0_writes_A(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        float[] a = [1f, -0f, float.NaN, 2.5f], b = [float.NaN, float.PositiveInfinity, 0f, -0f];
        using var ga = backend.Upload(a);
        using var gb = backend.Upload(b);
        backend.WeightedSum(ga, gb, 0, gb);
        var actual = new float[4];
        backend.Download(gb, actual);
        Bits.Equal(a, actual, "alpha 0 into B");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AddDifference_rounds_D_through_B_dtype_then_multiplies_and_adds_separately(string backendName)
    {
        GpuElementType[] types = [GpuElementType.F32, GpuElementType.F16, GpuElementType.BF16, GpuElementType.F8E4M3, GpuElementType.F8E5M2, GpuElementType.F64];
        RunAllLengths(backendName, 3, (backend, inputs, output, length) =>
        {
            var type = types[length % types.Length];
            float alpha = length % 2 == 0 ? 0.3f : 1.7f;
            backend.AddDifference(inputs[0], inputs[1], inputs[2], type, alpha, output);
            return i => ScalarOracle.AddDifference(Value(inputs, 0, i), Value(inputs, 1, i), Value(inputs, 2, i), type, alpha);
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void TripleSum_uses_double_weights_and_the_zero_sum_fallback(string backendName)
    {
        (double Alpha, double Beta)[] weights = [(0.3, 0.4), (0.5, -0.5), (0.1, 0.2), (-0.2, 0.2), (1.2, 0.7)];
        RunAllLengths(backendName, 3, (backend, inputs, output, length) =>
        {
            var (alpha, beta) = weights[length % weights.Length];
            backend.TripleSum(inputs[0], inputs[1], inputs[2], alpha, beta, output);
            return i => ScalarOracle.TripleSum(Value(inputs, 0, i), Value(inputs, 1, i), Value(inputs, 2, i), alpha, beta);
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void SumTwice_is_nested_lerp(string backendName)
    {
        RunAllLengths(backendName, 3, (backend, inputs, output, length) =>
        {
            float alpha = 0.25f + (length % 3 * 0.25f);
            float beta = 0.7f - (length % 4 * 0.2f);
            backend.SumTwice(inputs[0], inputs[1], inputs[2], alpha, beta, output);
            return i => ScalarOracle.Lerp(ScalarOracle.Lerp(Value(inputs, 0, i), Value(inputs, 1, i), alpha), Value(inputs, 2, i), beta);
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ScaledSum_is_two_products_and_one_sum(string backendName)
    {
        RunAllLengths(backendName, 2, (backend, inputs, output, length) =>
        {
            float factorA = length % 2 == 0 ? 0.75f : 1.3f;
            float factorB = length % 3 == 0 ? 0f : 0.45f;
            backend.ScaledSum(inputs[0], inputs[1], factorA, factorB, output);
            return i =>
            {
                float ta = factorA * Value(inputs, 0, i);
                float tb = factorB * Value(inputs, 1, i);
                return ta + tb;
            };
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void TrainDifference_follows_the_spec_order(string backendName)
    {
        RunAllLengths(backendName, 3, (backend, inputs, output, length) =>
        {
            double alpha = length % 2 == 0 ? 0.3 : 0.85;
            backend.TrainDifference(inputs[0], inputs[1], inputs[2], alpha, output);
            bool bEqualsC = Enumerable.Range(0, length).All(i => Value(inputs, 1, i) == Value(inputs, 2, i));
            return i => bEqualsC
                ? Value(inputs, 0, i)
                : ScalarOracle.TrainDifference(Value(inputs, 0, i), Value(inputs, 1, i), Value(inputs, 2, i), alpha);
        });
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void TrainDifference_keeps_A_when_B_equals_C_including_signed_zeros(string backendName)
    {
        var backend = TestBackends.Get(backendName);
        float[] a = [1f, -2f, 3.5f, float.NaN];
        float[] b = [0.5f, 0f, float.PositiveInfinity, 7f];
        float[] c = [0.5f, -0f, float.PositiveInfinity, 7f];
        using var ta = backend.Upload(a);
        using var tb = backend.Upload(b);
        using var tc = backend.Upload(c);
        using var output = backend.Allocate(a.Length);
        backend.TrainDifference(ta, tb, tc, 0.5, output);
        var result = new float[a.Length];
        backend.Download(output, result);
        Bits.Equal(a, result, "B == C keeps A");

        // A NaN in B makes B ≠ C (torch.allclose is false), so the formula runs.
        float[] bWithNaN = [0.5f, 0f, float.NaN, 7f];
        using var tbn = backend.Upload(bWithNaN);
        backend.TrainDifference(ta, tbn, tc, 0.5, output);
        backend.Download(output, result);
        Bits.Equal(Enumerable.Range(0, a.Length).Select(i => ScalarOracle.TrainDifference(a[i], bWithNaN[i], c[i], 0.5)).ToArray(), result, "NaN in B");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Lerp_really_fuses_and_AddDifference_really_does_not(string backendName)
    {
        // Inputs where one rounding and two roundings give different f32 results, so a backend that
        // contracted (or failed to fuse) would be caught rather than agreeing by luck.
        var random = new Random(3);
        var starts = new List<float>();
        var ends = new List<float>();
        while (starts.Count < 64)
        {
            float s = TestValues.RandomValue(random);
            float e = TestValues.RandomValue(random);
            const float W = 0.3f;
            float d = e - s;
            if (MathF.FusedMultiplyAdd(W, d, s) != (W * d) + s)
            {
                starts.Add(s);
                ends.Add(e);
            }
        }

        var backend = TestBackends.Get(backendName);
        using var ts = backend.Upload(starts.ToArray());
        using var te = backend.Upload(ends.ToArray());
        using var zero = backend.Upload(new float[starts.Count]);
        using var output = backend.Allocate(starts.Count);
        var result = new float[starts.Count];

        backend.Lerp(ts, te, 0.3f, output);
        backend.Download(output, result);
        Bits.Equal(starts.Select((s, i) => MathF.FusedMultiplyAdd(0.3f, ends[i] - s, s)).ToArray(), result, "lerp is fused");

        // A + α·(E − 0): the unfused reference must differ from the fused one somewhere for this to bite.
        backend.AddDifference(ts, te, zero, GpuElementType.F32, 0.3f, output);
        backend.Download(output, result);
        var unfused = starts.Select((s, i) => s + (0.3f * ends[i])).ToArray();
        var fused = starts.Select((s, i) => MathF.FusedMultiplyAdd(0.3f, ends[i], s)).ToArray();
        Assert.Contains(Enumerable.Range(0, unfused.Length), i => unfused[i] != fused[i]);
        Bits.Equal(unfused, result, "add difference is not fused");
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        var backend = TestBackends.Get("cpu");
        using var a = backend.Allocate(4);
        using var b = backend.Allocate(5);
        Assert.Throws<ArgumentException>(() => backend.Lerp(a, b, 0.5f, a));
    }

    private static float Value(InputSet inputs, int which, int index) => inputs.Host[which][index];

    /// <summary>
    /// Runs <paramref name="operation"/> for every length 0..257 on fresh seeded inputs (special values
    /// included) and compares the device result with the oracle it returns.
    /// </summary>
    private static void RunAllLengths(string backendName, int inputCount, Func<GpuMergeBackend, InputSet, GpuTensor, int, Func<int, float>> operation)
    {
        var backend = TestBackends.Get(backendName);
        for (int length = 0; length <= MaxLength; length++)
        {
            var host = Enumerable.Range(0, inputCount).Select(k => TestValues.Make(length, (length * 7) + k)).ToArray();

            // Some lengths make B and C identical so the trainDifference shortcut is exercised too.
            if (inputCount == 3 && length % 16 == 5)
            {
                host[2] = (float[])host[1].Clone();
            }

            var tensors = host.Select(values => backend.Upload(values)).ToArray();
            using var output = backend.Allocate(length);
            var inputs = new InputSet(host, tensors);
            var oracle = operation(backend, inputs, output, length);
            var actual = new float[length];
            backend.Download(output, actual);
            var expected = Enumerable.Range(0, length).Select(oracle).ToArray();
            Bits.Equal(expected, actual, $"length {length}");
            foreach (var tensor in tensors)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Host values (for the oracle) and their device copies (indexed, for the backend).</summary>
    private sealed class InputSet(float[][] host, GpuTensor[] device)
    {
        public float[][] Host => host;

        public GpuTensor this[int which] => device[which];
    }
}

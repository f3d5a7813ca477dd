using Fast.Kernels.Methods;
using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// The N-model methods' device steps against the CPU kernels they mirror (<see cref="MethodKernels"/>,
/// <see cref="DareMask"/>, <see cref="MagnitudeTrim"/>), bit for bit, with NaN, ±∞, −0 and subnormals among the
/// inputs, at lengths that leave SIMD tails on the CPU side.
/// </summary>
public sealed class MultiModelKernelTests
{
    private static readonly int[] s_lengths = [0, 1, 7, 64, 257, 1031];

    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Scale_subtract_divide_and_add_scaled_match_the_cpu(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        foreach (int length in s_lengths)
        {
            float[] a = TestValues.Make(length, 1), b = TestValues.Make(length, 2);
            foreach (float factor in new[] { 0.7f, -1.5f, 0f, -0f, 1e-30f, float.PositiveInfinity })
            {
                var expected = new float[length];
                MethodKernels.Scale(a, factor, expected);
                Bits.Equal(expected, OnDevice(backend, [a], (x, o) => backend.Scale(x[0], factor, o)), $"scale {factor} n={length}");

                expected = (float[])a.Clone();
                MethodKernels.AddScaled(expected, b, factor);
                Bits.Equal(expected, OnDevice(backend, [a, b], (x, o) => backend.AddScaled(x[0], x[1], factor, o)), $"add scaled {factor} n={length}");

                MethodKernels.Divide(a, factor, expected);
                Bits.Equal(expected, OnDevice(backend, [a], (x, o) => backend.Divide(x[0], factor, o)), $"divide {factor} n={length}");
            }

            var difference = new float[length];
            MethodKernels.Subtract(a, b, difference);
            Bits.Equal(difference, OnDevice(backend, [a, b], (x, o) => backend.Subtract(x[0], x[1], o)), $"subtract n={length}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Host_threshold_trim_keeps_the_set_of_KeepLargest(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        foreach (int length in s_lengths.Where(n => n > 1))
        {
            // Many equal magnitudes (ties broken by index), signed zeros, NaN and infinities.
            var random = new Random(length);
            float[] values = [.. TestValues.Make(length, 3).Select((v, i) => i % 3 == 0 ? (random.Next(2) == 0 ? 0.25f : -0.25f) : v)];
            foreach (long keep in new long[] { 1, length / 3, length / 2, length - 1 })
            {
                float[] expected = (float[])values.Clone();
                MagnitudeTrim.KeepLargest(expected, keep);

                uint threshold = MagnitudeTrim.Threshold(values, keep, out long above);
                long equalToKeep = keep - above;
                int end = MagnitudeTrim.KeptEqualEnd(values, threshold, ref equalToKeep);
                Assert.Equal(0, equalToKeep);
                Bits.Equal(expected, OnDevice(backend, [values], (x, o) =>
                {
                    backend.KeepByMagnitude(x[0], threshold, end);
                }, inPlace: true), $"trim keep {keep} of {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Trim_in_pieces_keeps_the_whole_tensor_set(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        const int length = 1031, piece = 100;
        float[] values = [.. TestValues.Make(length, 4).Select((v, i) => i % 4 == 1 ? -1f : v)];
        long keep = MagnitudeTrim.KeptCount(0.4, length);
        float[] expected = (float[])values.Clone();
        MagnitudeTrim.KeepLargest(expected, keep);

        var selection = new MagnitudeSelection(keep);
        for (int pass = 0; pass < MagnitudeSelection.Passes; pass++)
        {
            for (int start = 0; start < length; start += piece)
            {
                selection.Observe(pass, values.AsSpan(start, Math.Min(piece, length - start)));
            }

            selection.EndPass(pass);
        }

        long equalToKeep = keep - selection.Above;
        var actual = new float[length];
        for (int start = 0; start < length; start += piece)
        {
            float[] part = values.AsSpan(start, Math.Min(piece, length - start)).ToArray();
            int end = equalToKeep > 0 ? MagnitudeTrim.KeptEqualEnd(part, selection.Threshold, ref equalToKeep) : 0;
            using GpuTensor tensor = backend.Upload(part);
            backend.KeepByMagnitude(tensor, selection.Threshold, end);
            backend.Download(tensor, actual.AsSpan(start, part.Length));
        }

        Bits.Equal(expected, actual, "trim in pieces");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Dare_drop_matches_the_cpu_mask_at_any_start(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        uint nameHash = DareMask.NameHash("model.diffusion_model.out.2.weight");
        foreach (long start in new long[] { 0, 3, 4098, (1L << 34) + 5 })
        {
            foreach (double density in new[] { 0.1, 0.5, 0.9, 1e-7, 1.0 })
            {
                foreach (uint operand in new uint[] { 0, 2 })
                {
                    float[] deltas = TestValues.Make(1031, (int)operand + 5);
                    float[] expected = (float[])deltas.Clone();
                    DareMask.DropAndRescale(expected, start, 42, nameHash, operand, density);
                    Bits.Equal(expected, OnDevice(backend, [deltas], (x, o) =>
                    {
                        backend.DropAndRescale(x[0], start, 42, nameHash, operand, density);
                    }, inPlace: true), $"dare start {start} density {density} operand {operand}");
                }
            }
        }
    }

    [Fact]
    public void A_different_seed_draws_a_different_mask()
    {
        GpuMergeBackend backend = TestBackends.Get("cpu");
        float[] ones = [.. Enumerable.Repeat(1f, 4096)];
        float[] Drop(uint seed) => OnDevice(backend, [ones], (x, o) =>
        {
            backend.DropAndRescale(x[0], 0, seed, 7, 0, 0.5);
        }, inPlace: true);

        Assert.Equal(Drop(1), Drop(1));
        Assert.NotEqual(Drop(1), Drop(2));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Sign_elected_mean_matches_the_cpu_vector_and_tail_paths(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        foreach (int length in s_lengths)
        {
            float[][] deltas = [TestValues.Make(length, 6), TestValues.Make(length, 7), [.. TestValues.Make(length, 8).Select((v, i) => i % 5 == 0 ? 0f : v)]];
            foreach (float[] weights in new[] { new[] { 1f, 0.5f, 0.75f }, [1f, -1f, 0f] })
            {
                foreach (bool normalize in new[] { true, false })
                {
                    var expected = new float[length];
                    MethodKernels.SignElectedMean(deltas, weights, normalize, expected);
                    Bits.Equal(expected, OnDevice(backend, deltas, (x, o) => backend.SignElectedMean(x, weights, normalize, o)), $"sign elected n={length} normalize={normalize}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Slerp_and_model_stock_combinations_match_the_cpu(string backendName)
    {
        GpuMergeBackend backend = TestBackends.Get(backendName);
        foreach (int length in s_lengths)
        {
            float[] a = TestValues.Make(length, 9), b = TestValues.Make(length, 10), c = TestValues.Make(length, 11);
            foreach ((double s0, double s1) in new[] { (0.65, 0.35), (0.123456789, 0.987654321), (1.0, 0.0), (-0.5, 1.5) })
            {
                var expected = new float[length];
                MethodKernels.Combine(a, s0, b, s1, expected);
                Bits.Equal(expected, OnDevice(backend, [a, b], (x, o) => backend.Combine(x[0], s0, x[1], s1, o)), $"combine {s0} {s1} n={length}");
            }

            foreach (double t in new[] { 0.37, 0.0, 1.0, 0.999999 })
            {
                float[] expected = [.. Enumerable.Range(0, length).Select(e => (float)((t * ((((0.0 + a[e]) + b[e]) + c[e]) / 3)) + ((1 - t) * c[e])))];
                Bits.Equal(expected, OnDevice(backend, [a, b, c], (x, o) => backend.ModelStockCombine(x, x[2], t, o)), $"model stock t={t} n={length}");
            }
        }
    }

    /// <summary>Uploads <paramref name="inputs"/>, runs <paramref name="run"/> (inputs, output), downloads the output (or input 0 when <paramref name="inPlace"/>).</summary>
    private static float[] OnDevice(GpuMergeBackend backend, float[][] inputs, Action<GpuTensor[], GpuTensor> run, bool inPlace = false)
    {
        GpuTensor[] uploaded = [.. inputs.Select(x => backend.Upload(x))];
        try
        {
            GpuTensor output = backend.Allocate(inputs[0].Length);
            run(uploaded, output);
            var result = new float[inputs[0].Length];
            backend.Download(inPlace ? uploaded[0] : output, result);
            output.Dispose();
            return result;
        }
        finally
        {
            foreach (GpuTensor tensor in uploaded)
            {
                tensor.Dispose();
            }
        }
    }
}

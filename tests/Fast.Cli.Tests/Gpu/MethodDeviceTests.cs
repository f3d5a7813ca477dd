using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Gpu;
using Fast.Merging.Methods;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// Every N-model method's tensor state run with the device (ILGPU's CPU accelerator) and without, on the same f32
/// operands: NaN, ±∞, −0 and subnormals among them, models stored as f16, bf16 and f32, the tensor whole and in pieces
/// (the streaming passes and the split trim). The outputs must be the same bits, a NaN matching any NaN.
/// </summary>
public sealed class MethodDeviceTests
{
    private const int Elements = 1031;

    private static readonly Lazy<GpuMergeBackend> s_backend = new(() =>
        GpuMergeBackend.TryCreate(GpuPreference.CpuAcceleratorForTesting, out GpuMergeBackend? backend, out string reason) ? backend! : throw new InvalidOperationException(reason));

    private static readonly float[] s_specials =
    [
        float.NaN, BitConverter.UInt32BitsToSingle(0x7FC0_0000), BitConverter.UInt32BitsToSingle(0x7F80_0001), 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, 1e-40f, 65504f, -65520f, 3.3895314e38f,
    ];

    public static TheoryData<string, bool, bool> Cases
    {
        get
        {
            var cases = new TheoryData<string, bool, bool>();
            foreach (MergeMethodEntry method in MergeMethodCatalog.All)
            {
                foreach (bool specials in new[] { true, false })
                {
                    cases.Add(method.Name, specials, true);
                    cases.Add(method.Name, specials, false);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_device_gives_the_cpu_bits(string methodName, bool specials, bool normalize)
    {
        MergeMethodEntry method = MergeMethodCatalog.Find(methodName)!;
        int models = Math.Min(3, method.MaxModels);
        ElementType[] types = [ElementType.F16, ElementType.BF16, ElementType.F32];
        float[][] values = [.. Enumerable.Range(0, models).Select(m => Values(m + 1, types[m], specials))];
        float[]? baseValues = method.NeedsBase ? Values(9, ElementType.F16, specials) : null;
        var parameters = new MethodParameters(
            T: 0.35, Density: 0.4, Lambda: 0.8, Weights: [.. new[] { 1.0, 0.5, 0.75 }.Take(method.WeightCount(models))], Seed: 7, Normalize: normalize);

        using var accelerator = new GpuMergeAccelerator(s_backend.Value, ownsBackend: false);
        foreach (int piece in new[] { Elements, 256 })
        {
            float[] cpu = Run(method, parameters, baseValues, values, [.. types.Take(models)], piece, device: null);
            float[] gpu = Run(method, parameters, baseValues, values, [.. types.Take(models)], piece, accelerator.Methods);
            for (int i = 0; i < Elements; i++)
            {
                // A NaN's sign and payload are not specified (SPEC §2; the rounded difference of add_difference
                // canonicalises it on the device); every other bit must be the CPU's.
                uint expected = BitConverter.SingleToUInt32Bits(cpu[i]), actual = BitConverter.SingleToUInt32Bits(gpu[i]);
                Assert.True(expected == actual || (float.IsNaN(cpu[i]) && float.IsNaN(gpu[i])), $"{methodName} piece {piece} element {i}: cpu 0x{expected:X8}, device 0x{actual:X8}");
            }
        }
    }

    /// <summary>The method over the tensor as the graph engine runs it: passes over every piece, then each piece evaluated.</summary>
    private static float[] Run(MergeMethodEntry method, MethodParameters parameters, float[]? baseValues, float[][] models, ElementType[] types, int piece, IMethodAccelerator? device)
    {
        var scratch = new ScratchBuffers();
        MethodTensorState state = method.CreateState(parameters, Elements, whole: piece >= Elements);
        MethodOperands Operands(int start, int count) => new(
            "model.diffusion_model.input_blocks.1.0.weight", start, count,
            baseValues?.AsSpan(start, count).ToArray(), ElementType.F16, [.. models.Select(m => m.AsSpan(start, count).ToArray())], types, scratch, device);

        for (int pass = 0; pass < state.Passes; pass++)
        {
            state.Rewind();
            for (int start = 0; start < Elements; start += piece)
            {
                using MethodOperands operands = Operands(start, Math.Min(piece, Elements - start));
                state.Observe(pass, operands);
            }

            state.EndPass(pass);
        }

        state.Rewind();
        var result = new float[Elements];
        for (int start = 0; start < Elements; start += piece)
        {
            int count = Math.Min(piece, Elements - start);
            using MethodOperands operands = Operands(start, count);
            state.Evaluate(operands, result.AsSpan(start, count));
        }

        return result;
    }

    /// <summary>Seeded values representable in <paramref name="type"/>, with repeated magnitudes (the trim's ties) and, optionally, special values.</summary>
    private static float[] Values(int seed, ElementType type, bool specials)
    {
        var random = new Random(seed);
        var values = new float[Elements];
        for (int i = 0; i < Elements; i++)
        {
            values[i] = specials && i % 7 == 3 ? s_specials[(i / 7 + seed) % s_specials.Length]
                : i % 11 == 5 ? (random.Next(2) == 0 ? 0.125f : -0.125f)
                : (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-12, 4)));
        }

        ElementConvert.RoundTo(values, type);
        return values;
    }
}

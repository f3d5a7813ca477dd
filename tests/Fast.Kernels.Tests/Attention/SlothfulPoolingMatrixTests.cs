using Fast.Kernels;
using Fast.Kernels.Attention;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Attention;

/// <summary>
/// The SIMD kernel against <see cref="SlothfulScalarReference"/>, bit for bit, for every mode, storage type and lerp
/// policy, on one and two threads. In the ISA matrix (<c>Isa=Core</c>), so every vector width is compared.
/// </summary>
[Trait("Isa", "Core")]
public sealed class SlothfulPoolingMatrixTests
{
    public static TheoryData<ElementType, SlothfulMode, LerpPolicy, int> Matrix()
    {
        var data = new TheoryData<ElementType, SlothfulMode, LerpPolicy, int>();
        foreach (ElementType t in new[] { ElementType.F32, ElementType.F16, ElementType.BF16 })
        {
            foreach (SlothfulMode m in Enum.GetValues<SlothfulMode>())
            {
                foreach (LerpPolicy l in Enum.GetValues<LerpPolicy>())
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        data.Add(t, m, l, threads);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Simd_matches_the_scalar_transcription(ElementType type, SlothfulMode mode, LerpPolicy lerp, int threads)
    {
        // C = 45 = 32 + 8 + 4 + 1 reaches every vector width and the scalar tail; 18×20 leaves cropped rows/columns.
        const int B = 2, H = 18, W = 20, C = 45;
        float[] x = SlothfulBuffers.Random(type, B * H * W * C, 17 + (int)type);
        foreach (double stride in new[] { 2.0, 5.86, 12.0 })
        {
            // The last two take the 2023 and 2025 blend shortcuts (uncropped strided sample).
            foreach ((double kb, double vb, SlothfulCompat compat) in new[]
            {
                (0.3, 0.3, SlothfulCompat.Fixed), (0.7, 0.25, SlothfulCompat.Fixed), (1.0, 0.0, SlothfulCompat.Original2023),
                (1.0, 1.0, SlothfulCompat.Original2023), (0.0, 0.0, SlothfulCompat.Nearsighted2025),
            })
            {
                {
                    SlothfulPlan plan = SlothfulPlan.ForStride(stride, mode, kb, vb, H * W, (H, W), compat);
                    (float[] ek, float[] ev) = SlothfulScalarReference.Pool(plan, type, x, B, C, lerp == LerpPolicy.Fused);
                    byte[] k = new byte[SlothfulPooling.OutputElements(plan, B, C) * ElementTypeInfo.SizeOf(type)];
                    byte[] v = new byte[k.Length];
                    SlothfulPooling.Pool(plan, type, SlothfulBuffers.Store(type, x), B, C, k, v, lerp, threads);
                    string ctx = $"{type} {mode} stride {stride} k{kb} v{vb} {compat} {lerp} threads {threads}";
                    Bits.AssertSame(ek, SlothfulBuffers.Load(type, k), ctx + " K");
                    Bits.AssertSame(plan.VSameAsK ? ek : ev, SlothfulBuffers.Load(type, v), ctx + " V");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(0)]
    public void A_large_tensor_gives_the_same_bits_on_any_thread_count(int threads)
    {
        // Big enough (2·1024·80 outputs) that the automatic choice (0) goes parallel too.
        const int B = 2, H = 64, W = 64, C = 80;
        float[] x = SlothfulBuffers.Random(ElementType.F16, B * H * W * C, 5);
        SlothfulPlan plan = SlothfulPlan.ForStride(4.0, SlothfulMode.Avg2D, 0.3, 0.7, H * W, (H, W), SlothfulCompat.Fixed);
        (float[] ek, float[] ev) = SlothfulScalarReference.Pool(plan, ElementType.F16, x, B, C, fused: true);
        byte[] k = new byte[SlothfulPooling.OutputElements(plan, B, C) * 2];
        byte[] v = new byte[k.Length];
        SlothfulPooling.Pool(plan, ElementType.F16, SlothfulBuffers.Store(ElementType.F16, x), B, C, k, v, LerpPolicy.Fused, threads);
        Bits.AssertSame(ek, SlothfulBuffers.Load(ElementType.F16, k), "K");
        Bits.AssertSame(ev, SlothfulBuffers.Load(ElementType.F16, v), "V");
    }
}

using Fast.Kernels.Attention;
using Xunit;

namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// The ILGPU SlothfulAttention kernel against the SIMD kernel of Fast.Kernels, bit for bit, on every backend of
/// <see cref="TestBackends"/> (the CPU accelerator always). The goldens themselves run through
/// <c>fastmerge slothful replay --device ilgpu-cpu</c> in .ci/slothful.sh.
/// </summary>
public sealed class SlothfulPoolTests
{
    public static TheoryData<string> Backends => TestBackends.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Matches_the_simd_kernel(string backendName)
    {
        GpuMergeBackend gpu = TestBackends.Get(backendName);
        const int B = 2, H = 12, W = 10, C = 13;
        var rng = new Random(11);
        foreach ((ElementType type, GpuElementType storage) in new[] { (ElementType.F32, GpuElementType.F32), (ElementType.F16, GpuElementType.F16), (ElementType.BF16, GpuElementType.BF16) })
        {
            int size = ElementTypeInfo.SizeOf(type);
            byte[] x = new byte[B * H * W * C * size];
            for (int i = 0; i < x.Length / size; i++)
            {
                float value = (float)((rng.NextDouble() - 0.5) * Math.Exp(rng.NextDouble() * 4));
                value = i % 17 == 0 ? -0f : value;
                switch (type)
                {
                    case ElementType.F32:
                        BitConverter.TryWriteBytes(x.AsSpan(i * 4), value);
                        break;
                    case ElementType.F16:
                        BitConverter.TryWriteBytes(x.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)value));
                        break;
                    default:
                        BitConverter.TryWriteBytes(x.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16));
                        break;
                }
            }

            using GpuTensor gx = gpu.Upload(x, storage);
            foreach (SlothfulMode mode in Enum.GetValues<SlothfulMode>())
            {
                foreach ((double stride, double kb, double vb, SlothfulCompat compat) in new[]
                {
                    (5.86, 0.3, 0.7, SlothfulCompat.Fixed), (3.0, 0.7, 0.7, SlothfulCompat.Fixed), (12.0, 1.0, 1.0, SlothfulCompat.Original2023),
                    (4.0, 0.0, 0.0, SlothfulCompat.Nearsighted2025), (1.0, 0.3, 0.3, SlothfulCompat.Fixed),
                })
                {
                    foreach (LerpPolicy lerp in Enum.GetValues<LerpPolicy>())
                    {
                        SlothfulPlan plan = SlothfulPlan.ForStride(stride, mode, kb, vb, H * W, (H, W), compat);
                        int outBytes = (int)SlothfulPooling.OutputElements(plan, B, C) * size;
                        byte[] ek = new byte[outBytes], ev = new byte[outBytes], k = new byte[outBytes], v = new byte[outBytes];
                        SlothfulPooling.Pool(plan, type, x, B, C, ek, ev, lerp, maxThreads: 1);
                        using GpuTensor gk = gpu.Allocate(outBytes / size);
                        using GpuTensor gv = gpu.Allocate(outBytes / size);
                        gpu.SlothfulPool(plan, gx, B, C, storage, gk, gv, lerp);
                        gpu.Download(gk, storage, k);
                        gpu.Download(gv, storage, v);
                        string ctx = $"{backendName} {type} {mode} stride {stride} k{kb} v{vb} {compat} {lerp}";
                        Assert.True(ek.AsSpan().SequenceEqual(k), ctx + " K");
                        Assert.True(ev.AsSpan().SequenceEqual(v), ctx + " V");
                    }
                }
            }
        }
    }

    [Fact]
    public void Mismatched_sizes_are_reported()
    {
        GpuMergeBackend gpu = TestBackends.Get("cpu");
        SlothfulPlan plan = SlothfulPlan.ForStride(4, SlothfulMode.Avg2D, 0.3, 0.7, 16, (4, 4), SlothfulCompat.Fixed);
        using GpuTensor x = gpu.Allocate(16 * 3);
        using GpuTensor k = gpu.Allocate(4 * 3);
        using GpuTensor wrong = gpu.Allocate(5 * 3);
        Assert.Throws<SlothfulException>(() => gpu.SlothfulPool(plan, x, 1, 3, GpuElementType.F32, wrong, k));
        Assert.Throws<SlothfulException>(() => gpu.SlothfulPool(plan, x, 1, 3, GpuElementType.F32, k, null));      // V has its own blend
        Assert.Throws<SlothfulException>(() => gpu.SlothfulPool(plan, x, 1, 3, GpuElementType.F64, k, k));
    }
}

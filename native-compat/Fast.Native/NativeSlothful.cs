using Fast.Kernels;
using Fast.Kernels.Attention;

namespace Fast.Native;

/// <summary>
/// <c>fm_slothful_pool</c>: the node's <c>pooling()</c> (SlothfulAttention K/V pooling with a given stride) into
/// caller buffers. With <c>k == NULL</c> it only reports M, so the caller can size K and V.
/// </summary>
internal static unsafe class NativeSlothful
{
    public static void Pool(
        int dtype, void* x, long batch, long n, long channels, int mode, int h, int w, double stride, double kBlend, double vBlend,
        int compat, int unfusedLerp, int threads, void* k, long kBytes, void* v, long vBytes, long* m)
    {
        ElementType type = dtype switch
        {
            0 => ElementType.F32,
            1 => ElementType.F16,
            2 => ElementType.BF16,
            _ => throw new NativeInputException($"dtype {dtype}: expected 0 (F32), 1 (F16) or 2 (BF16)"),
        };
        if (batch is <= 0 or > int.MaxValue || n is <= 0 or > int.MaxValue || channels is <= 0 or > int.MaxValue)
        {
            throw new NativeInputException($"batch ({batch}), n ({n}) and channels ({channels}) must be positive");
        }

        if (!Enum.IsDefined((SlothfulMode)mode))
        {
            throw new NativeInputException($"mode {mode}: expected 0 (1D_AVG), 1 (1D_MAX), 2 (2D_AVG) or 3 (2D_MAX)");
        }

        if (!Enum.IsDefined((SlothfulCompat)compat))
        {
            throw new NativeInputException($"compat {compat}: expected 0 (fixed), 1 (2023) or 2 (2025)");
        }

        (int, int)? grid = h == 0 && w == 0 ? null : (h, w);
        SlothfulPlan plan = SlothfulPlan.ForStride(stride, (SlothfulMode)mode, kBlend, vBlend, (int)n, grid, (SlothfulCompat)compat);
        if (m != null)
        {
            *m = plan.M;
        }

        if (k == null)
        {
            return;
        }

        if (x == null)
        {
            throw new NativeInputException("x is NULL");
        }

        long inBytes = batch * n * channels * ElementTypeInfo.SizeOf(type);
        var xs = new ReadOnlySpan<byte>(x, checked((int)inBytes));
        var ks = new Span<byte>(k, checked((int)kBytes));
        var vs = v == null ? [] : new Span<byte>(v, checked((int)vBytes));
        SlothfulPooling.Pool(plan, type, xs, (int)batch, (int)channels, ks, vs, unfusedLerp != 0 ? LerpPolicy.Unfused : LerpPolicy.Fused, threads);
    }
}

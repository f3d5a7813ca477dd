using Fast.Kernels.Attention;
using Fast.Kernels.Gpu.Kernels;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>SlothfulAttention K/V pooling on the accelerator (Fast.Kernels.Attention, SPEC §7 of shared/slothful).</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>
    /// Pools <paramref name="x"/> (B·N·C f32 values of <paramref name="storage"/>, e.g. from
    /// <see cref="Upload(ReadOnlySpan{byte}, GpuElementType)"/>) into <paramref name="k"/> and <paramref name="v"/>
    /// (B·M·C, rounded to <paramref name="storage"/>, so a narrowing download is exact). <paramref name="v"/> may be
    /// null when <see cref="SlothfulPlan.VSameAsK"/>. Not pooled: copies of x.
    /// </summary>
    /// <exception cref="SlothfulException">A storage type other than F32/F16/BF16, or tensors whose sizes do not match.</exception>
    public void SlothfulPool(in SlothfulPlan plan, GpuTensor x, int batch, int channels, GpuElementType storage, GpuTensor k, GpuTensor? v, LerpPolicy lerp = LerpPolicy.Fused)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(k);
        if (storage is not (GpuElementType.F32 or GpuElementType.F16 or GpuElementType.BF16))
        {
            throw new SlothfulException($"SlothfulAttention pools F32, F16 or BF16 hidden states, not {storage}");
        }

        if (batch <= 0 || channels <= 0 || plan.N <= 0 || plan.M <= 0)
        {
            throw new SlothfulException($"batch ({batch}), channels ({channels}) and the plan's N ({plan.N}) must be positive");
        }

        long inLength = (long)batch * plan.N * channels, outLength = SlothfulPooling.OutputElements(plan, batch, channels);
        if (x.Length != inLength || k.Length != outLength || (v is not null && v.Length != outLength))
        {
            throw new SlothfulException($"tensor sizes x={x.Length}, K={k.Length}, V={v?.Length} do not match B={batch}, N={plan.N}, M={plan.M}, C={channels}");
        }

        if (v is null && !plan.VSameAsK)
        {
            throw new SlothfulException("V differs from K for these blends: pass a V tensor");
        }

        if (ReferenceEquals(x, k) || ReferenceEquals(x, v) || (v is not null && ReferenceEquals(k, v)))
        {
            throw new SlothfulException("K and V must be tensors other than x and each other");
        }

        lock (_gate)
        {
            if (!plan.Pooled)
            {
                k.View.CopyFrom(x.View);
                v?.View.CopyFrom(x.View);
                _accelerator.Synchronize();
                return;
            }

            // The window geometry is the CPU kernel's, derived from the plan in one place.
            SlothfulGeometry geometry = SlothfulGeometry.Of(plan);
            var shape = new SlothfulShape
            {
                N = plan.N,
                C = channels,
                M = plan.M,
                OutWidth = geometry.OutWidth,
                StepX = geometry.StepX,
                StepY = geometry.StepY,
                WinRows = geometry.WinRows,
                WinCols = geometry.WinCols,
                RowPitch = geometry.RowPitch,
                Max = SlothfulNames.IsMax(plan.Mode) ? 1 : 0,
                Shortcut = plan.UseShortcut ? 1 : 0,
                VSeparate = plan.VSameAsK ? 0 : 1,
                WriteV = v is null ? 0 : 1,
                Fused = lerp == LerpPolicy.Fused ? 1 : 0,
                ElementType = (int)storage,
                KWeight = (float)plan.KBlend,
                VWeight = (float)plan.VBlend,
            };
            _kernels.SlothfulPool(checked((int)outLength), x.View, k.View, (v ?? k).View, shape);
            _accelerator.Synchronize();
        }
    }
}

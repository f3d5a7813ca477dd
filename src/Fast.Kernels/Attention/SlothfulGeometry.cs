namespace Fast.Kernels.Attention;

/// <summary>
/// Where output token j's window lies in x, flattened from a <see cref="SlothfulPlan"/> once for the CPU kernel and
/// the ILGPU kernel alike: window (r, q) = (j div <see cref="OutWidth"/>, j mod OutWidth) starts at token
/// r·<see cref="StepY"/> + q·<see cref="StepX"/> and covers <see cref="WinRows"/> rows of <see cref="WinCols"/>
/// tokens, <see cref="RowPitch"/> tokens apart. 1D is one row: OutWidth 0, window j starts at j·StepX.
/// </summary>
/// <param name="OutWidth">Output windows per output row (2D; the uncropped width under the shortcut); 0 for 1D.</param>
/// <param name="StepX">1D: tokens per window step (s); 2D: columns per window step (sx).</param>
/// <param name="StepY">2D: tokens from one row of windows to the next (sy · w); 0 for 1D.</param>
/// <param name="WinRows">Window rows (sy; 1 for 1D).</param>
/// <param name="WinCols">Window columns (sx; s for 1D).</param>
/// <param name="RowPitch">Tokens between window rows (w; 0 for 1D).</param>
internal readonly record struct SlothfulGeometry(int OutWidth, int StepX, int StepY, int WinRows, int WinCols, int RowPitch)
{
    public static SlothfulGeometry Of(in SlothfulPlan plan) => SlothfulNames.Is1D(plan.Mode)
        ? new(0, plan.S, 0, 1, plan.S, 0)
        : new(plan.OutWidth, plan.Sx, plan.Sy * plan.W, plan.Sy, plan.Sx, plan.W);

    /// <summary>The first input token of output token <paramref name="j"/>'s window, within its batch item.</summary>
    public long Origin(int j) => OutWidth == 0
        ? (long)j * StepX
        : ((long)(j / OutWidth) * StepY) + ((long)(j % OutWidth) * StepX);
}

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// A SlothfulAttention pooling plan flattened for the kernel: the window fields are Fast.Kernels.Attention.SlothfulGeometry's
/// (filled from <c>SlothfulGeometry.Of</c>), kept as plain ints so the kernel parameter stays a flat blittable struct.
/// </summary>
internal struct SlothfulShape
{
    public int N;
    public int C;
    public int M;

    /// <summary>Output windows per output row (2D); 0 for 1D.</summary>
    public int OutWidth;
    public int StepX;
    public int StepY;
    public int WinRows;
    public int WinCols;
    public int RowPitch;
    public int Max;
    public int Shortcut;
    public int VSeparate;
    public int WriteV;
    public int Fused;
    public int ElementType;
    public float KWeight;
    public float VWeight;
}

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>The terms of one row sum, computed where they are read (torch's elementwise temporaries need no buffer).</summary>
internal interface IRowTerms
{
    /// <summary>Term <paramref name="index"/>, rounded to f32 exactly as torch rounds it.</summary>
    float Term(int index);
}

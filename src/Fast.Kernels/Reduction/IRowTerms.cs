using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>The terms of a row sum, computed where they are read (so torch's elementwise temporaries need no buffer).</summary>
internal interface IRowTerms
{
    /// <summary>Number of terms.</summary>
    int Length { get; }

    /// <summary>Term <paramref name="index"/>.</summary>
    float Scalar(int index);

    /// <summary>Terms <paramref name="index"/> .. <paramref name="index"/> + 7, each computed exactly as by <see cref="Scalar"/>.</summary>
    Vector256<float> Vector(int index);
}

using System.Runtime.CompilerServices;

namespace Fast.Kernels.Filters;

/// <summary>
/// The σ = 1, radius 4 taps of SPEC §4 (scipy's <c>_gaussian_kernel1d(1, 0, 4)</c>), from their exact bit
/// patterns because C# has no hexadecimal floating literals: W0 is the centre, Wj the tap at distance j.
/// </summary>
internal static class GaussianTaps
{
    public const int Radius = 4;

    /// <summary>0x1.9884a307594fbp-2</summary>
    public static readonly double W0 = BitConverter.Int64BitsToDouble(0x3FD9_884A_3075_94FB);

    /// <summary>0x1.ef8eb9ad499bap-3</summary>
    public static readonly double W1 = BitConverter.Int64BitsToDouble(0x3FCE_F8EB_9AD4_99BA);

    /// <summary>0x1.ba4b99d1799abp-5</summary>
    public static readonly double W2 = BitConverter.Int64BitsToDouble(0x3FAB_A4B9_9D17_99AB);

    /// <summary>0x1.22724cb7eb269p-8</summary>
    public static readonly double W3 = BitConverter.Int64BitsToDouble(0x3F72_2724_CB7E_B269);

    /// <summary>0x1.18a9c4fd536c6p-13</summary>
    public static readonly double W4 = BitConverter.Int64BitsToDouble(0x3F21_8A9C_4FD5_36C6);

    /// <summary>
    /// One output in scipy's correlate1d order for a symmetric kernel: centre first, then the pairs from the
    /// outside in, each pair summed before it is weighted. Separate multiply and add (no FMA), as in C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(double centre, double m1, double p1, double m2, double p2, double m3, double p3, double m4, double p4)
    {
        double t = centre * W0;
        t += (m4 + p4) * W4;
        t += (m3 + p3) * W3;
        t += (m2 + p2) * W2;
        t += (m1 + p1) * W1;
        return (float)t;
    }
}

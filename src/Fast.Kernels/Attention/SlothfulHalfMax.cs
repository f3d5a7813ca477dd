using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// torch's max step (<c>if (e &gt; m || isNaN(e)) m = e</c>) on binary16/bfloat16 patterns, without widening them:
/// widening is exact and monotone, so comparing order-preserving 16-bit integer keys gives the same decisions as
/// comparing the binary32 values, at a quarter of the vector work. The winner's own bits are kept beside its key.
/// </summary>
/// <remarks>
/// Keys are the sign-magnitude patterns as two's complement integers with −0 mapped to +0 (so a ±0 tie keeps the
/// first, as the float compare does). A NaN element gets <see cref="NaNKey"/>, above every number, so it is always
/// taken (the last NaN wins); the running maximum stores at most <see cref="HeldNaNKey"/>, so once it holds a NaN no
/// number replaces it (a compare with NaN is false) but a later NaN still does.
/// </remarks>
internal static class SlothfulHalfMax
{
    private const short NaNKey = 0x7FFF;
    private const short HeldNaNKey = 0x7FFE;

    /// <summary>The format's +∞ pattern (binary16 or bfloat16): magnitudes above it are NaNs.</summary>
    public static short Infinity<TC>()
        where TC : IElementCodec => typeof(TC) == typeof(SlothfulF16Codec) ? (short)0x7C00 : (short)0x7F80;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Key(Vector256<short> h, short infinity)
    {
        Vector256<short> magnitude = h & Vector256.Create((short)0x7FFF);
        Vector256<short> key = Vector256.ConditionalSelect(Vector256.LessThan(h, Vector256<short>.Zero), Vector256<short>.Zero - magnitude, h);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(infinity)), Vector256.Create(NaNKey), key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Held(Vector256<short> key) => Vector256.Min(key, Vector256.Create(HeldNaNKey));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step(ref Vector256<short> best, ref Vector256<short> bestKey, Vector256<short> h, short infinity)
    {
        Vector256<short> key = Key(h, infinity);
        best = Vector256.ConditionalSelect(Vector256.GreaterThan(key, bestKey), h, best);
        bestKey = Held(Vector256.Max(key, bestKey));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Key(Vector128<short> h, short infinity)
    {
        Vector128<short> magnitude = h & Vector128.Create((short)0x7FFF);
        Vector128<short> key = Vector128.ConditionalSelect(Vector128.LessThan(h, Vector128<short>.Zero), Vector128<short>.Zero - magnitude, h);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(magnitude, Vector128.Create(infinity)), Vector128.Create(NaNKey), key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Held(Vector128<short> key) => Vector128.Min(key, Vector128.Create(HeldNaNKey));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step(ref Vector128<short> best, ref Vector128<short> bestKey, Vector128<short> h, short infinity)
    {
        Vector128<short> key = Key(h, infinity);
        best = Vector128.ConditionalSelect(Vector128.GreaterThan(key, bestKey), h, best);
        bestKey = Held(Vector128.Max(key, bestKey));
    }
}

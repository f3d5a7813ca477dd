using System.Globalization;
using System.Numerics;

namespace Fast.Merging.Blocks;

/// <summary>
/// Python's <c>round(x, ndigits)</c> on a float: the exact binary value of x rounded to <c>ndigits</c> decimals, ties
/// to even, then the nearest double to that decimal (CPython's <c>float_round</c> through <c>_Py_dg_dtoa</c> mode 3 and
/// <c>_Py_dg_strtod</c>). <c>Math.Round(x, n)</c> scales by 10^n in binary first and misses it on values such as 2.675.
/// </summary>
public static class PythonRound
{
    /// <summary>round(<paramref name="x"/>, <paramref name="digits"/>) as Python computes it; the sign of a zero result is x's.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="digits"/> is negative or above 300.</exception>
    public static double Round(double x, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 300);
        if (!double.IsFinite(x) || x == 0)
        {
            return x;
        }

        // x = mantissa · 2^exponent exactly; x · 10^digits as the fraction numerator / denominator.
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        int rawExponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        int exponent;
        if (rawExponent == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            exponent = rawExponent - 1075;
        }

        BigInteger numerator = new BigInteger(mantissa) * BigInteger.Pow(10, digits);
        BigInteger denominator = BigInteger.One;
        if (exponent >= 0)
        {
            numerator <<= exponent;
        }
        else
        {
            denominator <<= -exponent;
        }

        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven))
        {
            quotient += 1;
        }

        double magnitude = double.Parse(
            quotient.ToString(CultureInfo.InvariantCulture) + "E-" + digits.ToString(CultureInfo.InvariantCulture),
            NumberStyles.Float,
            CultureInfo.InvariantCulture);
        return x < 0 ? -magnitude : magnitude;
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Methods;

/// <summary>
/// TIES' sign election and disjoint mean of one element group (mergekit <c>generalized_task_arithmetic.py</c>,
/// <c>get_mask</c> with "sum"), the one statement of the rule that <see cref="MethodKernels.SignElectedMean"/> and the
/// fused <see cref="TiesCombine"/> both use, at each width: from the weighted terms <c>tᵢ = wᵢ·δᵢ</c>,
/// <c>s = ((0 + t₀) + t₁) + …</c>; the elected sign is + when <c>s ≥ 0</c>; the terms whose sign is the elected one
/// (a zero term has none) are summed in operand order from 0, their weights likewise into the divisor; with normalise
/// the result is <c>sum / divisor</c> (divisor 0 → 1). Every step is one binary32 operation, so each width gives the
/// scalar bytes. Inlined so the callers' loops keep their constants hoisted and the terms in their stack buffer. The
/// caller passes <c>s</c>, summed as it makes the terms: summing them again here measured 6-16 % slower in the fused pass.
/// </summary>
internal static class SignElection
{
    /// <summary>The elected-sign mean of <paramref name="terms"/> (one <see cref="Vector512{T}"/> of elements per operand).</summary>
    /// <param name="terms">Per operand, its weighted differences.</param>
    /// <param name="sum">The terms' sum in operand order, <c>((0 + t₀) + t₁) + …</c>.</param>
    /// <param name="weights">Per operand, wᵢ as f32 (at least as many as terms).</param>
    /// <param name="normalize">Divide by the elected weights' sum.</param>
    /// <returns>The mixed difference.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Mix(ReadOnlySpan<Vector512<float>> terms, Vector512<float> sum, ReadOnlySpan<float> weights, bool normalize)
    {
        Vector512<float> zero = Vector512<float>.Zero;
        Vector512<float> positive = Vector512.GreaterThanOrEqual(sum, zero);
        Vector512<float> acc = zero, divisor = zero;
        for (int m = 0; m < terms.Length; m++)
        {
            Vector512<float> v = terms[m];
            Vector512<float> elected = Vector512.ConditionalSelect(positive, Vector512.GreaterThan(v, zero), Vector512.LessThan(v, zero));
            acc += Vector512.ConditionalSelect(elected, v, zero);
            divisor += Vector512.ConditionalSelect(elected, Vector512.Create(weights[m]), zero);
        }

        if (normalize)
        {
            divisor = Vector512.ConditionalSelect(Vector512.Equals(divisor, zero), Vector512<float>.One, divisor);
            acc /= divisor;
        }

        return acc;
    }

    /// <summary>The elected-sign mean of <paramref name="terms"/> (one <see cref="Vector{T}"/> of elements per operand).</summary>
    /// <param name="terms">Per operand, its weighted differences.</param>
    /// <param name="sum">The terms' sum in operand order, <c>((0 + t₀) + t₁) + …</c>.</param>
    /// <param name="weights">Per operand, wᵢ as f32 (at least as many as terms).</param>
    /// <param name="normalize">Divide by the elected weights' sum.</param>
    /// <returns>The mixed difference.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Mix(ReadOnlySpan<Vector<float>> terms, Vector<float> sum, ReadOnlySpan<float> weights, bool normalize)
    {
        Vector<float> zero = Vector<float>.Zero;
        Vector<int> positive = Vector.GreaterThanOrEqual(sum, zero);
        Vector<float> acc = zero, divisor = zero;
        for (int m = 0; m < terms.Length; m++)
        {
            Vector<float> v = terms[m];
            Vector<int> elected = Vector.ConditionalSelect(positive, Vector.GreaterThan(v, zero), Vector.LessThan(v, zero));
            acc += Vector.ConditionalSelect(elected.As<int, float>(), v, zero);
            divisor += Vector.ConditionalSelect(elected.As<int, float>(), new Vector<float>(weights[m]), zero);
        }

        if (normalize)
        {
            divisor = Vector.ConditionalSelect(Vector.Equals(divisor, zero).As<int, float>(), Vector<float>.One, divisor);
            acc /= divisor;
        }

        return acc;
    }

    /// <summary>The elected-sign mean of one element's <paramref name="terms"/>.</summary>
    /// <param name="terms">Per operand, its weighted difference.</param>
    /// <param name="sum">The terms' sum in operand order, <c>((0 + t₀) + t₁) + …</c>.</param>
    /// <param name="weights">Per operand, wᵢ as f32 (at least as many as terms).</param>
    /// <param name="normalize">Divide by the elected weights' sum.</param>
    /// <returns>The mixed difference.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Mix(ReadOnlySpan<float> terms, float sum, ReadOnlySpan<float> weights, bool normalize)
    {
        bool positive = sum >= 0f;
        float acc = 0f, divisor = 0f;
        for (int m = 0; m < terms.Length; m++)
        {
            float v = terms[m];
            if (positive ? v > 0f : v < 0f)
            {
                acc += v;
                divisor += weights[m];
            }
        }

        return normalize ? acc / (divisor == 0f ? 1f : divisor) : acc;
    }
}

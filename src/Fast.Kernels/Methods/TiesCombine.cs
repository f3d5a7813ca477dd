using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Methods;

/// <summary>
/// TIES after its thresholds are known, fused into ONE pass over the operands: per element, δᵢ = Mᵢ − base, the trim
/// (<see cref="MagnitudeTrim.ApplyThreshold"/>'s rule), wᵢ·δᵢ, the sign election and disjoint mean
/// (<see cref="SignElection"/>, as <see cref="MethodKernels.SignElectedMean"/>) and <c>base + λ·mixed</c> (<see cref="MethodKernels.AddScaled"/>).
/// The separate kernels wrote and re-read an f32 array per model and step (subtract, trim, scale, mean, copy, add);
/// here every intermediate stays in registers. Each element goes through the same binary32 operations in the same
/// order, so the bytes are those of the separate kernels, at every SIMD width.
/// </summary>
public static class TiesCombine
{
    /// <summary>The most models one call takes (their weighted differences are held on the stack per vector).</summary>
    public const int MaxModels = 64;

    private const uint MagnitudeMask = 0x7FFF_FFFF;

    /// <summary>
    /// <c>destination[i] = base[i] + λ·mixed[i]</c>, where mixed is the elected-sign mean of the trimmed, weighted
    /// differences. Model m keeps δ when its magnitude pattern lies above <c>thresholds[m]</c>, or equals it while
    /// <c>equalToKeep[m]</c> is positive (then decremented, in index order), else uses +0 (a threshold is a pattern,
    /// below 2³¹: 0 &lt; k &lt; n; the caller handles keeping all or nothing). Called on consecutive pieces
    /// of a tensor in order with the same counters, it gives the bytes of one call on the whole tensor.
    /// </summary>
    /// <param name="baseValues">The base's values.</param>
    /// <param name="models">Per model, its values (each array at least as long as <paramref name="destination"/>).</param>
    /// <param name="thresholds">Per model, the k-th largest magnitude pattern of its difference.</param>
    /// <param name="equalToKeep">Per model, how many differences equal to the threshold are still to be kept; decremented.</param>
    /// <param name="weights">Per model, wᵢ as f32.</param>
    /// <param name="normalize">Divide by the elected weights' sum (0 → 1).</param>
    /// <param name="lambda">λ as f32.</param>
    /// <param name="destination">The result.</param>
    public static void Apply(
        ReadOnlySpan<float> baseValues, ReadOnlySpan<float[]> models, ReadOnlySpan<uint> thresholds, Span<long> equalToKeep, ReadOnlySpan<float> weights, bool normalize, float lambda, Span<float> destination)
    {
        int n = destination.Length;
        int count = models.Length;
        Guard.SameLength(n, baseValues.Length, nameof(baseValues));
        Guard.SameLength(count, thresholds.Length, nameof(thresholds));
        Guard.SameLength(count, equalToKeep.Length, nameof(equalToKeep));
        Guard.SameLength(count, weights.Length, nameof(weights));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxModels, nameof(models));
        foreach (float[] model in models)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(model.Length, n, nameof(models));
        }

        foreach (uint threshold in thresholds)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, MagnitudeMask, nameof(thresholds));
        }

        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Vector<T> stays at 256 bits on AVX-512 machines; half the instructions per element here, and AVX-512's
            // compares write masks.
            i = ApplyVector512(baseValues, models, thresholds, equalToKeep, weights, normalize, lambda, destination);
        }

        if (Vector.IsHardwareAccelerated)
        {
            i = ApplyVectors(i, baseValues, models, thresholds, equalToKeep, weights, normalize, lambda, destination);
        }

        Span<float> terms = stackalloc float[count];
        for (; i < n; i++)
        {
            destination[i] = Element(i, baseValues[i], models, thresholds, equalToKeep, weights, normalize, lambda, terms);
        }
    }

    /// <summary>Whole <see cref="Vector512{T}"/>s from 0; returns where the rest starts.</summary>
    private static int ApplyVector512(
        ReadOnlySpan<float> baseValues, ReadOnlySpan<float[]> models, ReadOnlySpan<uint> thresholds, Span<long> equalToKeep, ReadOnlySpan<float> weights, bool normalize, float lambda, Span<float> destination)
    {
        int n = destination.Length;
        int count = models.Length;
        int lanes = Vector512<float>.Count;
        ref float baseRef = ref MemoryMarshal.GetReference(baseValues);
        ref float destinationRef = ref MemoryMarshal.GetReference(destination);
        Span<Vector512<float>> terms = stackalloc Vector512<float>[count];
        Span<float> scalarTerms = stackalloc float[count];
        Vector512<int> mask = Vector512.Create((int)MagnitudeMask);
        Vector512<float> zero = Vector512<float>.Zero;
        Vector512<float> lambdaV = Vector512.Create(lambda);
        int i = 0;
        for (; i <= n - lanes; i += lanes)
        {
            Vector512<float> b = Vector512.LoadUnsafe(ref baseRef, (nuint)i);
            Vector512<float> sum = zero;
            bool atThreshold = false;
            for (int m = 0; m < count; m++)
            {
                Vector512<float> delta = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(models[m]), (nuint)i) - b;
                Vector512<int> magnitude = delta.AsInt32() & mask; // in [0, 2³¹): signed compares order it
                Vector512<int> limit = Vector512.Create((int)thresholds[m]);
                Vector512<int> keep = Vector512.GreaterThan(magnitude, limit);
                if (equalToKeep[m] > 0 && Vector512.EqualsAny(magnitude, limit))
                {
                    // Rare: elements at the threshold are kept or not by their index order while the counter
                    // lasts (once it is 0, never); nothing of this vector is counted yet: it goes lane by lane.
                    atThreshold = true;
                    break;
                }

                Vector512<float> kept = Vector512.ConditionalSelect(keep.AsSingle(), delta, zero);
                Vector512<float> term = Vector512.Create(weights[m]) * kept;
                terms[m] = term;
                sum += term;
            }

            if (atThreshold)
            {
                for (int j = i; j < i + lanes; j++)
                {
                    destination[j] = Element(j, baseValues[j], models, thresholds, equalToKeep, weights, normalize, lambda, scalarTerms);
                }

                continue;
            }

            (b + (lambdaV * SignElection.Mix(terms, sum, weights, normalize))).StoreUnsafe(ref destinationRef, (nuint)i);
        }

        return i;
    }

    /// <summary>Whole <see cref="Vector{T}"/>s from <paramref name="start"/>; returns where the scalar tail starts.</summary>
    private static int ApplyVectors(
        int start,
        ReadOnlySpan<float> baseValues, ReadOnlySpan<float[]> models, ReadOnlySpan<uint> thresholds, Span<long> equalToKeep, ReadOnlySpan<float> weights, bool normalize, float lambda, Span<float> destination)
    {
        int n = destination.Length;
        int count = models.Length;
        int lanes = Vector<float>.Count;
        ref float baseRef = ref MemoryMarshal.GetReference(baseValues);
        ref float destinationRef = ref MemoryMarshal.GetReference(destination);
        Span<Vector<float>> terms = stackalloc Vector<float>[count];
        Span<float> scalarTerms = stackalloc float[count];
        var mask = new Vector<int>((int)MagnitudeMask);
        var zero = Vector<float>.Zero;
        var lambdaV = new Vector<float>(lambda);
        int i = start;
        for (; i <= n - lanes; i += lanes)
        {
            Vector<float> b = Vector.LoadUnsafe(ref baseRef, (nuint)i);
            Vector<float> sum = zero;
            bool atThreshold = false;
            for (int m = 0; m < count; m++)
            {
                Vector<float> delta = Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(models[m]), (nuint)i) - b;
                // Magnitude patterns and thresholds lie in [0, 2³¹): a signed compare orders them (no unsigned
                // compare to emulate below AVX-512).
                Vector<int> magnitude = delta.As<float, int>() & mask;
                var limit = new Vector<int>((int)thresholds[m]);
                Vector<int> keep = Vector.GreaterThan(magnitude, limit);
                if (equalToKeep[m] > 0 && Vector.EqualsAny(magnitude, limit))
                {
                    // Rare: elements at the threshold are kept or not by their index order while the counter
                    // lasts (once it is 0, never); nothing of this vector is counted yet: it goes lane by lane.
                    atThreshold = true;
                    break;
                }

                Vector<float> kept = Vector.ConditionalSelect(keep.As<int, float>(), delta, zero);
                Vector<float> term = new Vector<float>(weights[m]) * kept;
                terms[m] = term;
                sum += term;
            }

            if (atThreshold)
            {
                for (int j = i; j < i + lanes; j++)
                {
                    destination[j] = Element(j, baseValues[j], models, thresholds, equalToKeep, weights, normalize, lambda, scalarTerms);
                }

                continue;
            }

            Vector.StoreUnsafe(b + (lambdaV * SignElection.Mix(terms, sum, weights, normalize)), ref destinationRef, (nuint)i);
        }

        return i;
    }

    /// <summary>One element, as the separate kernels' scalar loops compute it.</summary>
    private static float Element(
        int i, float b, ReadOnlySpan<float[]> models, ReadOnlySpan<uint> thresholds, Span<long> equalToKeep, ReadOnlySpan<float> weights, bool normalize, float lambda, Span<float> terms)
    {
        float sum = 0f;
        for (int m = 0; m < models.Length; m++)
        {
            float delta = models[m][i] - b;
            uint magnitude = BitConverter.SingleToUInt32Bits(delta) & MagnitudeMask;
            bool keep = magnitude > thresholds[m];
            if (!keep && magnitude == thresholds[m] && equalToKeep[m] > 0)
            {
                equalToKeep[m]--;
                keep = true;
            }

            terms[m] = weights[m] * (keep ? delta : 0f);
            sum += terms[m];
        }

        return b + (lambda * SignElection.Mix(terms, sum, weights, normalize));
    }
}

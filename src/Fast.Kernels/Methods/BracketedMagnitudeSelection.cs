namespace Fast.Kernels.Methods;

/// <summary>
/// <see cref="MagnitudeSelection"/>'s threshold for a tensor read in pieces, usually in ONE streaming pass instead of
/// two: pass 0 takes a <see cref="MagnitudeBracket"/> from a sample of the first piece (with an extra margin, since a
/// first piece need not look like the rest), counts the elements above it and collects those inside it over every
/// piece, and selects the exact k-th largest among them. When the bracket misses the k-th largest, or would collect
/// more than a quarter of the tensor, <see cref="Passes"/> grows to 3 and passes 1 and 2 are
/// <see cref="MagnitudeSelection"/>'s two histogram passes. Either way <see cref="Threshold"/> and <see cref="Above"/>
/// are those of the whole-tensor select (they are defined by the values alone), so the kept set is the same.
/// </summary>
public sealed class BracketedMagnitudeSelection
{
    /// <summary>The first piece's sample is widened by this fraction of its size on each side.</summary>
    private const double FirstPieceMargin = 0.005;

    /// <summary>The most candidates ever held: 8 Mi patterns (32 MiB).</summary>
    private const long MaxCandidates = 1 << 23;

    /// <summary>A quarter of the tensor (at least 64 Ki) up to <see cref="MaxCandidates"/>: past it the bracket is not worth holding.</summary>
    private readonly long _candidateLimit;

    private readonly long _keep;
    private readonly long _total;
    private uint _low, _high;
    private bool _bracketed;
    private uint[] _candidates = [];
    private int _capacity; // of _candidates, which the pool may hand out longer
    private long _collected, _aboveBracket, _seen;
    private MagnitudeSelection? _fallback;
    private uint _threshold;
    private long _above;

    /// <summary>Selects the threshold of the <paramref name="keep"/> largest of <paramref name="total"/> magnitudes (1 ≤ keep &lt; total).</summary>
    /// <param name="keep">How many elements the trim keeps.</param>
    /// <param name="total">Elements of the whole tensor.</param>
    public BracketedMagnitudeSelection(long keep, long total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(keep, total);
        _keep = keep;
        _total = total;
        _candidateLimit = Math.Min(MaxCandidates, Math.Max(total / 4, 1 << 16));
    }

    /// <summary>Passes over the whole tensor before <see cref="Threshold"/> is known: 1, or 3 once pass 0 has missed.</summary>
    public int Passes { get; private set; } = 1;

    /// <summary>The k-th largest magnitude pattern (after the last pass).</summary>
    public uint Threshold => _fallback?.Threshold ?? _threshold;

    /// <summary>Elements whose magnitude pattern lies strictly above <see cref="Threshold"/> (after the last pass).</summary>
    public long Above => _fallback?.Above ?? _above;

    /// <summary>Feeds one piece to pass <paramref name="pass"/>: in pass 0 the pieces in index order, the first one first.</summary>
    /// <param name="pass">0, 1 or 2 (below <see cref="Passes"/>).</param>
    /// <param name="values">The piece.</param>
    public void Observe(int pass, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pass, Passes);
        if (pass > 0)
        {
            _fallback!.Observe(pass - 1, values);
            return;
        }

        if (!_bracketed)
        {
            (_low, _high) = MagnitudeBracket.Estimate(values, _keep, _total, FirstPieceMargin);
            _bracketed = true;
        }

        ScanPiece(values, values, difference: false);
    }

    /// <summary>
    /// <see cref="Observe"/> of the piece <c>minuend − subtrahend</c> (f32, as <see cref="MethodKernels.Subtract"/>):
    /// after the first piece of pass 0 the differences are scanned as they are computed, without being stored.
    /// </summary>
    /// <param name="pass">0, 1 or 2 (below <see cref="Passes"/>).</param>
    /// <param name="minuend">The model's piece.</param>
    /// <param name="subtrahend">The base's piece.</param>
    /// <param name="scratch">Room for the differences where they are needed (the first piece's sample, passes 1 and 2).</param>
    public void ObserveDifference(int pass, ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, Span<float> scratch)
    {
        if (pass > 0)
        {
            Span<float> difference = scratch[..minuend.Length];
            MethodKernels.Subtract(minuend, subtrahend, difference);
            Observe(pass, difference);
            return;
        }

        Guard.SameLength(minuend.Length, subtrahend.Length, nameof(subtrahend));
        if (!_bracketed)
        {
            // The sample computes just the differences it reads: the first piece is not stored either.
            (_low, _high) = MagnitudeBracket.EstimateDifference(minuend, subtrahend, _keep, _total, FirstPieceMargin);
            _bracketed = true;
        }

        ScanPiece(minuend, subtrahend, difference: true);
    }

    /// <summary>The room for candidates: exactly what was asked for, so that an overflow past it is seen as one.</summary>
    private Span<uint> Candidates => _candidates.AsSpan(0, _capacity);

    private void ScanPiece(ReadOnlySpan<float> values, ReadOnlySpan<float> subtrahend, bool difference)
    {
        if (_collected > _candidateLimit)
        {
            return; // overflowed already: pass 0 has missed
        }

        long above = _aboveBracket, collected = _collected;
        _seen += values.Length;
        Scan(values, subtrahend, difference, ref above, ref collected);
        if (collected > _capacity && collected <= _candidateLimit)
        {
            // Room ran out within this piece: grow to what the rate so far predicts for the whole tensor (at least
            // twice what is held) and scan the piece again.
            double predicted = collected * ((double)_total / _seen) * 1.1;
            Grow((int)Math.Min(_candidateLimit, Math.Max(collected * 2, (long)predicted + 1024)));
            above = _aboveBracket;
            collected = _collected;
            Scan(values, subtrahend, difference, ref above, ref collected);
        }

        _aboveBracket = above;
        _collected = collected;
    }

    private void Scan(ReadOnlySpan<float> values, ReadOnlySpan<float> subtrahend, bool difference, ref long above, ref long collected)
    {
        if (difference)
        {
            MagnitudeBracket.ScanDifference(values, subtrahend, _low, _high, ref above, Candidates, ref collected);
        }
        else
        {
            MagnitudeBracket.Scan(values, _low, _high, ref above, Candidates, ref collected);
        }
    }

    /// <summary>Ends pass <paramref name="pass"/>: after pass 0 the threshold is known or <see cref="Passes"/> is 3.</summary>
    /// <param name="pass">0, 1 or 2.</param>
    public void EndPass(int pass)
    {
        if (pass > 0)
        {
            _fallback!.EndPass(pass - 1);
            return;
        }

        if (!MagnitudeBracket.TryResolve(Candidates, _collected, _keep, _aboveBracket, _low, _high, out _threshold, out _above))
        {
            _fallback = new MagnitudeSelection(_keep);
            Passes = 1 + MagnitudeSelection.Passes;
        }

        ReturnCandidates(); // done with: a large tensor's candidates are megabytes
    }

    /// <summary>
    /// Room for at least <paramref name="length"/> candidates, the ones held so far kept. The arrays come from the
    /// shared pool: every split tensor of a merge needs one per model, megabytes each, and fresh ones cost a zeroing
    /// and page faults per tensor and pile up on the large-object heap until a full collection.
    /// </summary>
    private void Grow(int length)
    {
        uint[] grown = System.Buffers.ArrayPool<uint>.Shared.Rent(length);
        Candidates[..(int)Math.Min(_collected, _capacity)].CopyTo(grown);
        ReturnCandidates();
        _candidates = grown;
        _capacity = length;
    }

    private void ReturnCandidates()
    {
        if (_candidates.Length > 0)
        {
            System.Buffers.ArrayPool<uint>.Shared.Return(_candidates);
        }

        _candidates = [];
        _capacity = 0;
    }
}

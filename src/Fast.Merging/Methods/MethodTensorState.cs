namespace Fast.Merging.Methods;

/// <summary>
/// One merge node's work on one tensor, which the graph engine may feed in pieces (element ranges, in index order):
/// first <see cref="Passes"/> streaming passes over the node's operands gather the per-tensor scalars a method
/// reduces to (slerp's norms and dot, model stock's Gram matrix, ties' trim thresholds), then <see cref="Evaluate"/>
/// computes each piece of the result from its operands and those scalars alone. The result never depends on the piece
/// size: reductions keep the whole tensor's summation order and thresholds are those of the whole tensor.
/// </summary>
internal abstract class MethodTensorState
{
    /// <summary>
    /// Streaming passes over the whole tensor before any piece can be evaluated. Read again after each pass: a state
    /// may add passes once one has shown they are needed (a ties trim whose sampled bracket missed).
    /// </summary>
    public virtual int Passes => 0;

    /// <summary>Feeds one piece to pass <paramref name="pass"/> (pieces in index order, each once per pass).</summary>
    public virtual void Observe(int pass, MethodOperands operands)
    {
    }

    /// <summary>Ends pass <paramref name="pass"/>, after its last piece.</summary>
    public virtual void EndPass(int pass)
    {
    }

    /// <summary>Starts a sweep of <see cref="Evaluate"/> over the tensor from its first piece again.</summary>
    public virtual void Rewind()
    {
    }

    /// <summary>The result over one piece, f32, into <paramref name="destination"/> (pieces in index order within a sweep).</summary>
    public abstract void Evaluate(MethodOperands operands, Span<float> destination);
}

/// <summary>Creates a method's state for one tensor.</summary>
/// <param name="parameters">The node's parameters at the tensor's block.</param>
/// <param name="elements">Elements of the whole tensor.</param>
/// <param name="whole">True when every piece is the whole tensor (the engine does not split it).</param>
internal delegate MethodTensorState MethodStateFactory(MethodParameters parameters, long elements, bool whole);

namespace Fast.Merging.Methods;

/// <summary>A method whose every element depends only on the same element of its operands: one function, no passes.</summary>
internal sealed class ElementwiseMethodState(Action<MethodOperands, MethodParameters, Span<float>> function, MethodParameters parameters) : MethodTensorState
{
    /// <summary>The factory of <paramref name="function"/>'s states.</summary>
    public static MethodStateFactory For(Action<MethodOperands, MethodParameters, Span<float>> function) =>
        (parameters, _, _) => new ElementwiseMethodState(function, parameters);

    public override void Evaluate(MethodOperands operands, Span<float> destination) => function(operands, parameters, destination);
}

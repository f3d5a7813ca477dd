using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The opened input models of one merge; <see cref="C"/> only for three-model modes. <see cref="Reader"/> is how their
/// bytes are read (directly, or from the bulk engine's shared windows).
/// </summary>
internal sealed record MergeSources(SafeTensorsFile A, SafeTensorsFile B, SafeTensorsFile? C)
{
    public IInputReader Reader { get; init; } = InputTensors.Direct;
}

using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>The opened input models of one merge; <see cref="C"/> only for three-model modes.</summary>
internal sealed record MergeSources(SafeTensorsFile A, SafeTensorsFile B, SafeTensorsFile? C);

namespace Fast.Merging.Lora.Bake;

/// <summary>The LoRA commands' output guard (<see cref="OutputTargets"/>) with their own exception.</summary>
internal static class LoraOutputPath
{
    /// <exception cref="LoraException">The output is one of the inputs, or exists and <paramref name="overwrite"/> is false.</exception>
    public static void EnsureWritable(string output, bool overwrite, IEnumerable<string> inputs)
    {
        if (OutputTargets.Problem(output, overwrite, inputs, "the result") is { } problem)
        {
            throw new LoraException(problem);
        }
    }
}

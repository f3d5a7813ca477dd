namespace Fast.Merging.Lora.Bake;

/// <summary>Guards that a LoRA command's output never lands on one of its inputs (SPEC §1.2: an input is never written).</summary>
internal static class LoraOutputPath
{
    /// <exception cref="LoraException">The output is one of the inputs, or exists and <paramref name="overwrite"/> is false.</exception>
    public static void EnsureWritable(string output, bool overwrite, IEnumerable<string> inputs)
    {
        string target = Resolve(output);
        foreach (string input in inputs)
        {
            if (string.Equals(Resolve(input), target, StringComparison.Ordinal))
            {
                throw new LoraException($"{output} is also an input; write to another file (an input is never written)");
            }
        }

        if (!overwrite && (File.Exists(output) || Directory.Exists(output)))
        {
            throw new LoraException($"{output} already exists; choose another name or pass --overwrite");
        }
    }

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}

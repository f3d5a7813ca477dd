namespace Fast.Merging.Graphs;

/// <summary>One input model of a recipe graph: its name in the graph, its path, and (once hashed) its sha256.</summary>
/// <param name="Name">The name merges refer to it by.</param>
/// <param name="Path">The safetensors file.</param>
/// <param name="Sha256">Its sha256 (hex) when recorded; a re-run checks it.</param>
public sealed record GraphInput(string Name, string Path, string? Sha256 = null);

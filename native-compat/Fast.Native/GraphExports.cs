using System.Runtime.InteropServices;
using System.Text.Json;
using Fast.Merging.Api;
using Fast.Merging.Graphs;
using Fast.SafeTensors;

namespace Fast.Native;

/// <summary>
/// The recipe-graph entry point of the C ABI, <c>fm_merge_graph_json</c>: the N-model methods (slerp, ties, dare,
/// dare_ties, model_stock, weighted_sum, add_difference) and graphs of them, as <c>fastmerge merge --recipe</c>.
/// <code>{"recipe": {inputs, merges, output[, dtype]}, "output": "out.safetensors", "overwrite": false, "threads": 0, "no_mmap": false}</code>
/// </summary>
internal static unsafe class GraphExports
{
    private const int MaxThreads = 1024;

    [UnmanagedCallersOnly(EntryPoint = "fm_merge_graph_json")]
    public static int MergeGraphJson(byte* requestJson, delegate* unmanaged[Cdecl]<long, long, void*, int> callback, void* user) =>
        NativeCall.Run(() =>
        {
            string json = NativeStrings.Read(requestJson, "request_json");
            using JsonDocument document = JsonRequest.Parse(json, "graph merge request");
            JsonElement root = document.RootElement;
            JsonRequest.EnsureOnly(root, "graph merge request", "recipe", "output", "overwrite", "threads", "no_mmap");
            if (!root.TryGetProperty("recipe", out JsonElement recipeElement) || recipeElement.ValueKind != JsonValueKind.Object)
            {
                throw new NativeInputException("graph merge request: \"recipe\" must be a recipe graph object ({\"inputs\": ..., \"merges\": [...], \"output\": ...}, docs/recipes.md)");
            }

            GraphRecipe recipe = GraphRecipeJson.Parse(recipeElement.GetRawText(), "in the request");
            int threads = JsonRequest.OptionalInt(root, "threads", "graph merge request", 0, MaxThreads) ?? 0;
            var options = new MergeOptions
            {
                Threads = threads == 0 ? Environment.ProcessorCount : threads,
                ReadMode = JsonRequest.OptionalBool(root, "no_mmap", "graph merge request") == true ? ReadMode.Buffered : ReadMode.Mapped,
                Overwrite = JsonRequest.OptionalBool(root, "overwrite", "graph merge request") ?? false,
                Device = MergeDevice.Cpu,
            };
            using var progress = new ProgressCallback(callback, user);
            _ = GraphMerger.Merge(recipe, JsonRequest.RequiredString(root, "output", "graph merge request"), options, new BytesProgress(progress), progress.Token);
        });

    /// <summary>Synchronous adapter from the engine's progress to the C callback (output bytes done, total).</summary>
    private sealed class BytesProgress(ProgressCallback callback) : IProgress<Fast.Merging.Execution.MergeProgress>
    {
        public void Report(Fast.Merging.Execution.MergeProgress value) => callback.Report(value.BytesDone, value.BytesTotal);
    }
}

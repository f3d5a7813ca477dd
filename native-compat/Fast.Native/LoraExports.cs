using System.Runtime.InteropServices;
using Fast.Merging.Lora.Bake;
using Fast.Merging.Lora.Extract;
using Fast.Merging.Lora.Merge;

namespace Fast.Native;

/// <summary>The LoRA entry points of the C ABI: <c>fm_lora_bake_json</c>, <c>fm_lora_extract_json</c> and <c>fm_lora_merge_json</c>.</summary>
internal static unsafe class LoraExports
{
    [UnmanagedCallersOnly(EntryPoint = "fm_lora_bake_json")]
    public static int BakeJson(byte* optionsJson) =>
        NativeCall.Run(() =>
        {
            var (model, loras, output, options) = LoraRequests.ParseBake(NativeStrings.Read(optionsJson, "options_json"));
            _ = LoraBaker.Bake(model, loras, output, options);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_lora_extract_json")]
    public static int ExtractJson(byte* optionsJson) =>
        NativeCall.Run(() =>
        {
            var (tuned, original, output, options) = LoraRequests.ParseExtract(NativeStrings.Read(optionsJson, "options_json"));
            _ = LoraExtractor.Extract(tuned, original, output, options);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_lora_merge_json")]
    public static int MergeJson(byte* optionsJson) =>
        NativeCall.Run(() =>
        {
            var (loras, output, options) = LoraRequests.ParseMerge(NativeStrings.Read(optionsJson, "options_json"));
            _ = LoraMerger.Merge(loras, output, options);
        });
}

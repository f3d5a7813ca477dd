using System.Runtime.InteropServices;
using Fast.Merging.Doctor;

namespace Fast.Native;

/// <summary>
/// The C entry points declared in <c>native-compat/include/fastmerge.h</c>. Each is a thin shell: argument
/// marshalling and <see cref="NativeCall.Run"/>; the work lives in the request types.
/// </summary>
internal static unsafe class Exports
{
    // From the assembly name rather than the informational-version attribute: instantiating attributes makes
    // the NativeAOT type loader build an array type at run time, whose small allocation is never released.
    private static readonly byte[] s_version = NativeStrings.Pinned(typeof(Exports).Assembly.GetName().Version?.ToString(3) ?? "unknown");

    [UnmanagedCallersOnly(EntryPoint = "fm_version")]
    public static byte* Version() => NativeStrings.AddressOf(s_version);

    // MAJOR * 1000000 + MINOR * 1000 + PATCH, as FASTMERGE_VERSION_NUMBER in fastmerge.h.
    private static readonly int s_versionNumber = typeof(Exports).Assembly.GetName().Version is { } v
        ? (v.Major * 1_000_000) + (v.Minor * 1_000) + v.Build
        : 0;

    [UnmanagedCallersOnly(EntryPoint = "fm_version_number")]
    public static int VersionNumber() => s_versionNumber;

    [UnmanagedCallersOnly(EntryPoint = "fm_status_string")]
    public static byte* StatusString(int status) => StatusNames.Describe(status);

    [UnmanagedCallersOnly(EntryPoint = "fm_exit_code")]
    public static int ExitCode(int status) => StatusExitCodes.Of(status);

    [UnmanagedCallersOnly(EntryPoint = "fm_last_error")]
    public static byte* LastErrorMessage() => LastError.Pointer;

    [UnmanagedCallersOnly(EntryPoint = "fm_free")]
    public static void Free(void* memory) => CallerAllocations.Free(memory);

    [UnmanagedCallersOnly(EntryPoint = "fm_merge_json")]
    public static int MergeJson(byte* recipeJson, delegate* unmanaged[Cdecl]<long, long, void*, int> callback, void* user) =>
        NativeCall.Run(() =>
        {
            MergeRequest request = MergeRequest.Parse(NativeStrings.Read(recipeJson, "recipe_json"));
            using var progress = new ProgressCallback(callback, user);
            _ = NativeMerge.Run(request, progress);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_merge_run_json")]
    public static int MergeRunJson(byte* requestJson, delegate* unmanaged[Cdecl]<long, long, void*, int> callback, void* user, byte** reportJson) =>
        NativeCall.Run(() =>
        {
            if (reportJson == null)
            {
                throw new NativeInputException("report_json is NULL");
            }

            *reportJson = null;
            MergeRequest request = MergeRequest.Parse(NativeStrings.Read(requestJson, "request_json"));
            using var progress = new ProgressCallback(callback, user);
            string report = MergeReportJson.Write(NativeMerge.Run(request, progress));
            *reportJson = NativeStrings.Allocate(report);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_bulk_json")]
    public static int BulkJson(byte* planJsonl, delegate* unmanaged[Cdecl]<long, long, void*, int> callback, void* user) =>
        NativeCall.Run(() =>
        {
            BulkRequest request = BulkRequest.Parse(NativeStrings.Read(planJsonl, "plan_jsonl"), null);
            using var progress = new ProgressCallback(callback, user);
            _ = NativeBulk.Run(request, progress, out string? failures);
            if (failures is not null)
            {
                throw new NativeInputException(failures);
            }
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_bulk_run_json")]
    public static int BulkRunJson(byte* planJsonl, byte* optionsJson, delegate* unmanaged[Cdecl]<long, long, void*, int> callback, void* user, byte** reportJson) =>
        NativeCall.Run(() =>
        {
            if (reportJson == null)
            {
                throw new NativeInputException("report_json is NULL");
            }

            *reportJson = null;
            string? options = optionsJson == null ? null : NativeStrings.Read(optionsJson, "options_json");
            BulkRequest request = BulkRequest.Parse(NativeStrings.Read(planJsonl, "plan_jsonl"), options);
            using var progress = new ProgressCallback(callback, user);
            string report = NativeBulk.Run(request, progress, out string? failures);
            *reportJson = NativeStrings.Allocate(report);
            if (failures is not null)
            {
                throw new NativeInputException(failures);
            }
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_check_json")]
    public static int CheckJson(byte* path, byte** reportJson) =>
        NativeCall.Run(() =>
        {
            if (reportJson == null)
            {
                throw new NativeInputException("report_json is NULL");
            }

            *reportJson = null;
            string report = NativeCheck.Run(NativeStrings.Read(path, "path"));
            *reportJson = NativeStrings.Allocate(report);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_fix_json")]
    public static int FixJson(byte* optionsJson) =>
        NativeCall.Run(() =>
        {
            FixRequest request = FixRequest.Parse(NativeStrings.Read(optionsJson, "options_json"));
            _ = ModelFixer.Fix(request.Input, request.Output, request.Options);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_fix_run_json")]
    public static int FixRunJson(byte* optionsJson, byte** reportJson) =>
        NativeCall.Run(() =>
        {
            if (reportJson == null)
            {
                throw new NativeInputException("report_json is NULL");
            }

            *reportJson = null;
            FixRequest request = FixRequest.Parse(NativeStrings.Read(optionsJson, "options_json"));
            string report = FixReportJson.Write(ModelFixer.Fix(request.Input, request.Output, request.Options));
            *reportJson = NativeStrings.Allocate(report);
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_catalog_json")]
    public static int CatalogJson(byte** reportJson) =>
        NativeCall.Run(() =>
        {
            if (reportJson == null)
            {
                throw new NativeInputException("report_json is NULL");
            }

            *reportJson = NativeStrings.Allocate(NativeCatalog.Json());
        });

    [UnmanagedCallersOnly(EntryPoint = "fm_slothful_pool")]
    public static int SlothfulPool(
        int dtype, void* x, long batch, long n, long channels, int mode, int h, int w, double stride, double kBlend, double vBlend,
        int compat, int unfusedLerp, int threads, void* k, long kBytes, void* v, long vBytes, long* m) =>
        NativeCall.Run(() => NativeSlothful.Pool(dtype, x, batch, n, channels, mode, h, w, stride, kBlend, vBlend, compat, unfusedLerp, threads, k, kBytes, v, vBytes, m));
}

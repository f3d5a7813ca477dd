namespace Fast.Native;

/// <summary>
/// The message of the last failed call, per calling thread (<c>fm_last_error</c>). Each call clears it first, so
/// after a successful call it reads as the empty string.
/// </summary>
internal static unsafe class LastError
{
    private static readonly byte[] s_empty = NativeStrings.Pinned(string.Empty);

    [ThreadStatic]
    private static byte[]? t_message;

    public static void Clear() => t_message = null;

    public static void Set(string message) => t_message = NativeStrings.Pinned(message);

    /// <summary>Valid until this thread's next <c>fm_*</c> call (the array stays referenced until then).</summary>
    public static byte* Pointer => NativeStrings.AddressOf(t_message ?? s_empty);
}

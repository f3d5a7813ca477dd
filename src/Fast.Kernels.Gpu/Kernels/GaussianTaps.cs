namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// The sigma = 1, radius 4 gaussian taps of SPEC §4, given by their exact binary64 bit patterns so no
/// decimal parsing can move them by an ulp.
/// </summary>
internal static class GaussianTaps
{
    /// <summary>Tap for offset ±<paramref name="distance"/> (0..4).</summary>
    public static double Tap(int distance) => distance switch
    {
        0 => BitConverter.Int64BitsToDouble(0x3FD9_884A_3075_94FB), // 0x1.9884a307594fbp-2
        1 => BitConverter.Int64BitsToDouble(0x3FCE_F8EB_9AD4_99BA), // 0x1.ef8eb9ad499bap-3
        2 => BitConverter.Int64BitsToDouble(0x3FAB_A4B9_9D17_99AB), // 0x1.ba4b99d1799abp-5
        3 => BitConverter.Int64BitsToDouble(0x3F72_2724_CB7E_B269), // 0x1.22724cb7eb269p-8
        _ => BitConverter.Int64BitsToDouble(0x3F21_8A9C_4FD5_36C6), // 0x1.18a9c4fd536c6p-13
    };
}

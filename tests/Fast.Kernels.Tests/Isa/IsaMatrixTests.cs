using System.Diagnostics;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace Fast.Kernels.Tests.Isa;

/// <summary>
/// ImageSharp's idea with the test runner we already have: re-run every <c>[Trait("Isa", "Core")]</c> test of this
/// assembly in a child <c>dotnet test</c> with the runtime's ISA switches off, so the 256-bit, 128-bit and
/// scalar paths are all proven on one AVX-512 machine. The children also assert the width they ran at.
/// </summary>
public class IsaMatrixTests(ITestOutputHelper output)
{
    internal const string ExpectWidthVariable = "FAST_KERNELS_EXPECT_WIDTH";

    public static TheoryData<string, int> Configurations => new()
    {
        // .NET 10 reads DOTNET_EnableAVX512 (DOTNET_EnableAVX512F is kept for older runtimes and is ignored now).
        { "DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0", 256 },
        { "DOTNET_EnableAVX2=0", 128 },
        { "DOTNET_EnableHWIntrinsic=0", 0 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Core_tests_pass_with_instruction_sets_disabled(string environment, int expectedWidth)
    {
        // A configuration that cannot be narrower than the machine itself is not informative, but still must pass.
        int machineWidth = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        int demanded = Math.Min(expectedWidth, machineWidth);

        string assembly = typeof(IsaMatrixTests).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "test", assembly, "--filter", "Isa=Core", "--nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string pair in environment.Split(';'))
        {
            string[] kv = pair.Split('=');
            start.Environment[kv[0]] = kv[1];
        }

        start.Environment[ExpectWidthVariable] = demanded.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using Process child = Process.Start(start)!;
        Task<string> stdout = child.StandardOutput.ReadToEndAsync();
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await child.WaitForExitAsync(timeout.Token);
        string text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(child.ExitCode == 0, $"child run with {environment} failed:\n{text}");
        Assert.Matches(@"Passed:\s+[1-9]\d*", text);
        Assert.DoesNotMatch(@"Failed:\s+[1-9]", text);
    }
}

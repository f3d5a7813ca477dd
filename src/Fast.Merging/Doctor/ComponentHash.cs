using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fast.Merging.Doctor;

/// <summary>
/// The content hash of a component: sha256 over its tensors in ordinal order of their names below the component's
/// prefix, each contributing <c>name \0 dtype \0 d0,d1,… \0</c> and the 32-byte sha256 of its data.
/// Hashing per tensor first lets the tensors be read in file order while the result depends on name order only.
/// </summary>
internal static class ComponentHash
{
    public static string Compute(IEnumerable<(string RelativeName, string DType, IReadOnlyList<long> Shape, byte[] Digest)> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in tensors.OrderBy(t => t.RelativeName, StringComparer.Ordinal))
        {
            string entry = string.Create(CultureInfo.InvariantCulture, $"{t.RelativeName}\0{t.DType}\0{string.Join(',', t.Shape)}\0");
            hash.AppendData(Encoding.UTF8.GetBytes(entry));
            hash.AppendData(t.Digest);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

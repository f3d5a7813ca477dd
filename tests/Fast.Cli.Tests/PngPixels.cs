using System.Buffers.Binary;
using System.IO.Compression;

namespace Fast.Cli.Tests;

/// <summary>
/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are) into its pixels, enough to check a
/// screenshot is not blank without an image library.
/// </summary>
internal static class PngPixels
{
    /// <summary>The pixels as 0xRRGGBBAA, row by row.</summary>
    public static (int Width, int Height, uint[] Pixels) Decode(byte[] png)
    {
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!png.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException("not a PNG file");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            ReadOnlySpan<byte> data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                (int depth, int colour, int interlace) = (data[8], data[9], data[12]);
                channels = colour switch
                {
                    2 => 3,
                    6 => 4,
                    _ => throw new InvalidDataException($"PNG colour type {colour} not supported here"),
                };
                if (depth != 8 || interlace != 0)
                {
                    throw new InvalidDataException($"PNG bit depth {depth}, interlace {interlace} not supported here");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        int stride = width * channels;
        byte[] raw = new byte[height * (stride + 1)];
        inflate.ReadExactly(raw);
        byte[] previous = new byte[stride];
        byte[] row = new byte[stride];
        var pixels = new uint[width * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            raw.AsSpan((y * (stride + 1)) + 1, stride).CopyTo(row);
            Unfilter(filter, row, previous, channels);
            for (int x = 0; x < width; x++)
            {
                int p = x * channels;
                byte alpha = channels == 4 ? row[p + 3] : (byte)255;
                pixels[(y * width) + x] = ((uint)row[p] << 24) | ((uint)row[p + 1] << 16) | ((uint)row[p + 2] << 8) | alpha;
            }

            (previous, row) = (row, previous);
        }

        return (width, height, pixels);
    }

    private static void Unfilter(byte filter, byte[] row, byte[] previous, int bpp)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0;
            int up = previous[i];
            int upLeft = i >= bpp ? previous[i - bpp] : 0;
            row[i] = (byte)(row[i] + filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"PNG filter {filter}"),
            });
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

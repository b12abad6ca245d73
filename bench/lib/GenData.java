import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deterministic benchmark data for the TDX /products and /sales services.
 *
 * <pre>
 *   java GenData.java products FILE PRODUCTS
 *   java GenData.java sales    FILE PRODUCTS ROWS|--bytes N
 * </pre>
 *
 * products: SKU,DESCRIPTION,PRICE with SKU = "SKU" + 7 digits (SKU0000000 .. PRODUCTS-1),
 * a description (about one in ten quoted, with a comma and a doubled quote), PRICE two
 * decimals in 0.00 .. 9999.99.
 *
 * sales: SKU,STORE,WEEK,UNITS,REVENUE. Row i is key k = (A * i + C) mod K over the key space
 * K = PRODUCTS * STORES * 53, a bijection, so keys are unique and come in a scattered order;
 * k splits into (sku, store, week). UNITS 0..999, REVENUE two decimals, one in fifty empty
 * (REVENUE is optional). All values come from a fixed-seed SplitMix64 stream: the same
 * arguments always give the same bytes. With --bytes N, rows are written until the file
 * holds at least N bytes. Prints the number of data rows written (header excluded).
 */
public final class GenData {
  static final int STORES = 500;
  static final int WEEKS = 53;
  static final long SEED = 0x5DEECE66DL;

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      usage();
    }
    Path file = Path.of(args[1]);
    long products = Long.parseLong(args[2]);
    long rows;
    if (args[0].equals("products")) {
      rows = products(file, products);
    } else if (args[0].equals("sales") && args.length == 4) {
      rows = sales(file, products, Long.parseLong(args[3]), Long.MAX_VALUE);
    } else if (args[0].equals("sales") && args.length == 5 && args[3].equals("--bytes")) {
      rows = sales(file, products, Long.MAX_VALUE, Long.parseLong(args[4]));
    } else {
      usage();
      return;
    }
    System.out.println(rows);
  }

  static void usage() {
    System.err.println("usage: java GenData.java products FILE PRODUCTS");
    System.err.println("       java GenData.java sales FILE PRODUCTS (ROWS | --bytes N)");
    System.exit(2);
  }

  static long products(Path file, long products) throws IOException {
    Rng rng = new Rng(SEED ^ 1);
    String[] words = {"red", "blue", "steel", "cotton", "large", "small", "organic", "classic", "pack", "box",
      "bottle", "set", "deluxe", "mini", "eco", "pro"};
    try (Out out = new Out(file)) {
      out.ascii("SKU,DESCRIPTION,PRICE\n");
      for (long i = 0; i < products; i++) {
        out.sku(i).comma();
        int kind = rng.nextInt(10);
        String a = words[rng.nextInt(words.length)];
        String b = words[rng.nextInt(words.length)];
        if (kind == 0) {
          out.ascii("\"").ascii(a).ascii(", ").ascii(b).ascii(" \"\"special\"\" ").num(i).ascii("\"");
        } else if (kind == 1) {
          // empty: DESCRIPTION is optional
        } else {
          out.ascii(a).ascii(' ').ascii(b).ascii(' ').num(i);
        }
        out.comma().cents(rng.nextInt(1_000_000)).nl();
      }
    }
    return products;
  }

  static long sales(Path file, long products, long rows, long bytes) throws IOException {
    long space = products * STORES * WEEKS;
    if (rows != Long.MAX_VALUE && rows > space) {
      throw new IllegalArgumentException(rows + " rows exceed the key space " + space);
    }
    long a = multiplier(space);
    long c = space / 3 + 7;
    Rng rng = new Rng(SEED ^ 2);
    long written = 0;
    long k = c % space;
    try (Out out = new Out(file)) {
      out.ascii("SKU,STORE,WEEK,UNITS,REVENUE\n");
      for (long i = 0; i < rows && out.count < bytes; i++) {
        if (i >= space) {
          throw new IllegalArgumentException("--bytes " + bytes + " needs more rows than the key space " + space);
        }
        long week = k % WEEKS + 1;
        long store = (k / WEEKS) % STORES;
        long sku = k / WEEKS / STORES;
        int units = rng.nextInt(1000);
        out.sku(sku).comma().ascii("ST").pad(store, 4).comma().num(week).comma().num(units).comma();
        if (rng.nextInt(50) != 0) {
          out.cents((long) units * (100 + rng.nextInt(20_000)));
        }
        out.nl();
        written++;
        k += a; // k = (a * i + c) mod space, stepped without overflow
        if (k >= space) {
          k -= space;
        }
      }
    }
    return written;
  }

  /** An odd multiplier near space * 0.618 that is coprime with space, so i -> a*i+c mod space is a bijection. */
  static long multiplier(long space) {
    long a = (long) (space * 0.6180339887) | 1;
    while (gcd(a, space) != 1) {
      a += 2;
    }
    return a;
  }

  static long gcd(long x, long y) {
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return x;
  }

  /** SplitMix64. */
  static final class Rng {
    long state;

    Rng(long seed) {
      state = seed;
    }

    long next() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    int nextInt(int bound) {
      return (int) Math.floorMod(next() >>> 1, (long) bound);
    }
  }

  /** Buffered ASCII writer with allocation-free number formatting. */
  static final class Out implements AutoCloseable {
    final OutputStream out;
    final byte[] buf = new byte[1 << 16];
    final byte[] digits = new byte[20];
    int pos;
    long count;

    Out(Path file) throws IOException {
      out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    Out put(int b) throws IOException {
      if (pos == buf.length) {
        flush();
      }
      buf[pos++] = (byte) b;
      count++;
      return this;
    }

    Out ascii(String s) throws IOException {
      for (int i = 0; i < s.length(); i++) {
        put(s.charAt(i));
      }
      return this;
    }

    Out ascii(char ch) throws IOException {
      return put(ch);
    }

    Out comma() throws IOException {
      return put(',');
    }

    Out nl() throws IOException {
      return put('\n');
    }

    Out num(long v) throws IOException {
      if (v == 0) {
        return put('0');
      }
      int n = 0;
      while (v > 0) {
        digits[n++] = (byte) ('0' + v % 10);
        v /= 10;
      }
      while (n > 0) {
        put(digits[--n]);
      }
      return this;
    }

    Out pad(long v, int width) throws IOException {
      int n = 0;
      while (v > 0 || n < width) {
        digits[n++] = (byte) ('0' + v % 10);
        v /= 10;
      }
      while (n > 0) {
        put(digits[--n]);
      }
      return this;
    }

    Out sku(long i) throws IOException {
      return ascii("SKU").pad(i, 7);
    }

    Out cents(long c) throws IOException {
      num(c / 100).put('.');
      long f = c % 100;
      return put('0' + (int) (f / 10)).put('0' + (int) (f % 10));
    }

    void flush() throws IOException {
      out.write(buf, 0, pos);
      pos = 0;
    }

    @Override
    public void close() throws IOException {
      flush();
      out.close();
    }
  }
}

package io.paytoken;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's ```java spring blocks, compiled as a Spring application's own code would be:
 * each block's top-level classes become files of a package of their own (the block's public
 * classes stay public, as in the README), with the imports such code has (io.paytoken and
 * Spring's annotations); nothing else of the snippet is changed but, as the README snippet
 * runner does, its origin: a {@code new PayTokenOptions()} gets the simulator's base URL.
 */
final class ReadmeSnippets {
    /** The fence word of a block that this suite runs (scripts/readme-snippets.py skips it). */
    static final String FENCE_WORD = "spring";

    /**
     * On one line, so that a compiler error's line in a generated file is the README's line
     * (the unit's offset added).
     */
    private static final String IMPORTS = "import io.paytoken.*; "
            + "import org.springframework.beans.factory.annotation.Qualifier; "
            + "import org.springframework.beans.factory.annotation.Value; "
            + "import org.springframework.context.annotation.Bean; "
            + "import org.springframework.context.annotation.Configuration; "
            + "import org.springframework.stereotype.Service; ";

    private static final Pattern FENCE = Pattern.compile("^(`{3,}|~{3,})\\s*(.*)$");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import [^;]+;[ \\t]*$");
    private static final Pattern TYPE_NAME =
            Pattern.compile("(?m)^\\s*(?:(?:public|abstract|final)\\s+)*(?:class|interface|enum)\\s+(\\w+)");

    private static final Pattern FACTORY = Pattern.compile("\\bPayTokenClient\\.(?:nicepay|portoneV1|portoneV2)\\(");
    private static final Pattern OPTIONS = Pattern.compile("new PayTokenOptions\\(\\)");

    private ReadmeSnippets() {
    }

    /** One fenced block: where it starts in the README (its fence's line) and its code. */
    static final class Block {
        final int line;
        final String code;

        Block(int line, String code) {
            this.line = line;
            this.code = code;
        }

        /** A block that declares its own beans (the by-hand set-up) needs no starter. */
        boolean declaresBeans() {
            return code.contains("@Configuration");
        }

        /** The package its classes are compiled into: one per block (two blocks may share a class name). */
        String packageName() {
            return "readme.line" + line;
        }

        @Override
        public String toString() {
            return "README.md:" + line;
        }
    }

    /** Every ```java block whose info string has the word {@link #FENCE_WORD}. */
    static List<Block> springBlocks(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        String fence = null;
        boolean wanted = false;
        int start = 0;
        StringBuilder code = new StringBuilder();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).trim();
            if (fence == null) {
                Matcher m = FENCE.matcher(line);
                if (m.matches()) {
                    List<String> words = Arrays.asList(m.group(2).trim().split("\\s+"));
                    fence = m.group(1);
                    wanted = words.get(0).toLowerCase(Locale.ROOT).equals("java") && words.contains(FENCE_WORD);
                    start = n;
                    code.setLength(0);
                }
            } else if (line.startsWith(fence) && line.replace(fence.substring(0, 1), "").isEmpty()) {
                if (wanted) {
                    blocks.add(new Block(start, code.toString()));
                }
                fence = null;
            } else {
                code.append(lines.get(n - 1)).append('\n');
            }
        }
        return blocks;
    }

    /** The Java compiler of this JVM; null on a runtime without one (the test then says skipped). */
    static JavaCompiler compiler() {
        return ToolProvider.getSystemJavaCompiler();
    }

    /**
     * Compiles the block (its origin swapped for {@code simUrl}) into {@code out} and loads
     * its classes; fails with the compiler's messages, at README lines, if it does not compile.
     */
    static List<Class<?>> compile(JavaCompiler compiler, Block block, String simUrl, Path out) throws Exception {
        // Never a real gateway: each client the block makes must take the simulator's origin.
        int clients = count(FACTORY, block.code);
        if (clients > count(OPTIONS, block.code) || block.code.contains("new PayTokenClient(")) {
            throw new AssertionError(block + " makes a client without a `new PayTokenOptions()` to give the"
                    + " simulator's base URL to: teach ReadmeSnippets.compile its origin");
        }
        String code = block.code.replace("new PayTokenOptions()",
                "new PayTokenOptions().baseUrl(\"" + simUrl + "\")");
        StringBuilder imports = new StringBuilder();
        Matcher own = IMPORT.matcher(code);
        while (own.find()) {
            imports.append(own.group().trim()).append(' ');
        }
        code = IMPORT.matcher(code).replaceAll(""); // kept as blank lines: the line numbers stay
        Path sources = Files.createDirectories(out.resolve("src"));
        Path classes = Files.createDirectories(out.resolve("classes"));
        List<File> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Integer> offsets = new HashMap<>(); // file -> lines of the block before it
        int offset = 0; // lines of the block before the current unit
        for (String unit : topLevelUnits(code)) {
            Matcher name = TYPE_NAME.matcher(unit);
            if (!name.find()) {
                throw new AssertionError(block + ": no class in " + unit);
            }
            // One line before the unit: its line k is the block's line offset + k - 1.
            String header = "package " + block.packageName() + "; " + IMPORTS + imports + "\n";
            File file = sources.resolve(name.group(1) + ".java").toFile();
            offsets.put(file.getName(), offset);
            Files.write(file.toPath(), (header + unit).getBytes(StandardCharsets.UTF_8));
            files.add(file);
            names.add(block.packageName() + "." + name.group(1));
            offset += countLines(unit);
        }
        List<String> options = new ArrayList<>(Arrays.asList(
                "-d", classes.toString(), "-classpath", testClasspath(), "-proc:none", "-encoding", "UTF-8",
                // What a Spring Boot project compiles with (its parent pom sets it).
                "-parameters"));
        String release = System.getProperty("paytoken.snippets.release", "");
        if (!release.isEmpty() && compiler.isSupportedOption("--release") >= 0) {
            options.add("--release");
            options.add(release); // Java 8 on the Boot 2.7 line, as the README promises
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager manager = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(log, manager, diagnostics, options, null,
                    manager.getJavaFileObjectsFromFiles(files)).call();
            if (!ok) {
                StringBuilder why = new StringBuilder(block + " does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    Integer before = d.getSource() == null ? null : offsets.get(new File(d.getSource().getName()).getName());
                    String where = before == null ? "" : "README.md:" + (block.line + before + d.getLineNumber() - 1) + ": ";
                    why.append("  ").append(where).append(d.getKind()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
                }
                throw new AssertionError(why.append(log).toString());
            }
        }
        ClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, ReadmeSnippets.class.getClassLoader());
        List<Class<?>> loaded = new ArrayList<>();
        for (String name : names) {
            loaded.add(Class.forName(name, true, loader));
        }
        return loaded;
    }

    /**
     * The block cut after each top-level declaration (at the brace that closes it), with the
     * annotations and comments before it: Java wants each public class in a file of its name.
     */
    static List<String> topLevelUnits(String code) {
        List<String> units = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '"' || c == '\'') { // a literal: skip to its closing quote
                for (i++; i < code.length() && code.charAt(i) != c; i++) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                int end = code.indexOf('\n', i); // a line comment
                i = end < 0 ? code.length() : end;
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 1;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                int end = code.indexOf('\n', i);
                end = end < 0 ? code.length() : end + 1;
                units.add(code.substring(start, end));
                start = end;
                i = end - 1;
            }
        }
        if (!code.substring(start).trim().isEmpty()) {
            units.add(code.substring(start)); // unbalanced: the compiler says where
        }
        return units;
    }

    private static int count(Pattern pattern, String text) {
        int n = 0;
        for (Matcher m = pattern.matcher(text); m.find(); ) {
            n++;
        }
        return n;
    }

    private static int countLines(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /**
     * The suite's classpath: Surefire's forked JVM has it as java.class.path (its launcher
     * jar is surefire.real.class.path).
     */
    private static String testClasspath() {
        return System.getProperty("java.class.path");
    }
}

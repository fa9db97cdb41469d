package io.paytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.paytoken.spring.bare.BareApplication;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.stereotype.Service;

import javax.tools.JavaCompiler;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's Spring code (```java spring blocks, which scripts/readme-snippets.py leaves to
 * this suite) compiled at run time and booted in a Spring Boot application against the
 * simulator, on each Boot line test-spring runs: every {@code @Service} of a block is a bean,
 * its PayTokenClient fields are injected (the qualified bean where a constructor names one),
 * each gets a token, and its one-String methods answer (the by-hand block's
 * {@code status(tid)}). A block that stops compiling or wiring fails here.
 *
 * <p>A block with {@code @Configuration} declares its beans by hand: it boots without
 * auto-configuration (no starter) with {@code nicepay.client-key}, {@code nicepay.secret-key}
 * and {@code nicepay.sandbox} set, and the clients it declares are closed on shutdown. Any
 * other block boots with the starter from the README's properties block, as
 * SpringBootStarterTest does.
 */
class ReadmeSnippetsTest {
    /** A payment the simulator knows (it runs with --implicit-payments). */
    private static final String TID = "T123";

    @Test
    void everySpringBlockOfTheReadmeCompilesBootsAndCalls(@TempDir Path work) throws Exception {
        Path readme = Paths.get(System.getProperty("paytoken.readme", "README.md"));
        List<ReadmeSnippets.Block> blocks = ReadmeSnippets.springBlocks(readme);
        assertFalse(blocks.isEmpty(), readme + " has no ```java " + ReadmeSnippets.FENCE_WORD + " block: nothing was tested");
        JavaCompiler compiler = ReadmeSnippets.compiler();
        Assumptions.assumeTrue(compiler != null,
                "skipped: this Java runtime has no compiler (javax.tools), the README's Spring blocks were not compiled");
        List<String> done = new ArrayList<>();
        for (ReadmeSnippets.Block block : blocks) {
            try (Simulator sim = Simulator.start()) {
                List<Class<?>> classes = ReadmeSnippets.compile(compiler, block, sim.url, work.resolve("line" + block.line));
                boot(block, classes, sim);
                done.add(block.toString());
            }
        }
        System.out.println("README Spring blocks compiled, booted and called: " + done);
    }

    private static void boot(ReadmeSnippets.Block block, List<Class<?>> classes, Simulator sim) throws Exception {
        List<Class<?>> sources = new ArrayList<>(classes);
        Map<String, Object> properties = new LinkedHashMap<>();
        if (block.declaresBeans()) {
            properties.put("nicepay.client-key", Simulator.NICEPAY_CLIENT_KEY);
            properties.put("nicepay.secret-key", Simulator.NICEPAY_SECRET_KEY);
            properties.put("nicepay.sandbox", "false");
        } else {
            sources.add(BareApplication.class); // @SpringBootApplication: the starter's auto-configuration
            properties.putAll(SpringBootStarterTest.readmeProperties(sim.url));
        }
        ClassLoader snippetLoader = classes.get(0).getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(snippetLoader); // @Configuration's subclass is defined beside the snippet's
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(sources.toArray(new Class<?>[0]))
                    .main(classes.get(0)) // the application's own code, in its start-up log line
                    .resourceLoader(new DefaultResourceLoader(snippetLoader))
                    .web(WebApplicationType.NONE)
                    .properties(properties)
                    .run();
        } catch (RuntimeException e) {
            throw new AssertionError(block + " does not boot: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        List<PayTokenClient> injected = new ArrayList<>();
        try {
            for (Class<?> type : classes) {
                if (type.isAnnotationPresent(Service.class)) {
                    injected.addAll(checkService(block, context, type));
                }
            }
            assertFalse(injected.isEmpty(), block + ": no @Service with a PayTokenClient field was checked");
            if (block.declaresBeans()) {
                assertEquals(0, context.getBeanNamesForType(Class.forName("io.paytoken.spring.PayTokenAutoConfiguration")).length,
                        block + " is the set-up without the starter");
            }
        } finally {
            context.close();
        }
        if (block.declaresBeans()) { // README: Spring calls close() on shutdown
            for (PayTokenClient client : injected) {
                assertThrows(IllegalStateException.class, client::stats, block + ": the client is closed on shutdown");
            }
        }
    }

    /** The service bean's clients: injected, the qualified ones where named, each working. */
    private static List<PayTokenClient> checkService(ReadmeSnippets.Block block, ConfigurableApplicationContext context,
                                                     Class<?> type) throws Exception {
        Object service = context.getBean(type);
        List<PayTokenClient> clients = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            if (field.getType() == PayTokenClient.class && !Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                PayTokenClient client = (PayTokenClient) field.get(service);
                assertNotNull(client, block + ": " + type.getSimpleName() + "." + field.getName() + " is not injected");
                assertTrue(context.getBeansOfType(PayTokenClient.class).containsValue(client),
                        block + ": " + field.getName() + " is not a bean of the application");
                assertFalse(client.token().isEmpty(), block + ": a token through " + field.getName());
                clients.add(client);
            }
        }
        for (Constructor<?> constructor : type.getConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            Annotation[][] annotations = constructor.getParameterAnnotations();
            for (int i = 0; i < parameters.length; i++) {
                for (Annotation annotation : annotations[i]) {
                    if (parameters[i] == PayTokenClient.class && annotation instanceof Qualifier) {
                        String name = ((Qualifier) annotation).value();
                        PayTokenClient qualified = BeanFactoryAnnotationUtils.qualifiedBeanOfType(
                                context.getBeanFactory(), PayTokenClient.class, name);
                        assertTrue(clients.stream().anyMatch(c -> c == qualified),
                                block + ": the client qualified \"" + name + "\" is not the one injected");
                    }
                }
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && method.getParameterCount() == 1
                    && method.getParameterTypes()[0] == String.class) {
                Object answer;
                try {
                    answer = method.invoke(service, TID);
                } catch (InvocationTargetException e) {
                    fail(block + ": " + type.getSimpleName() + "." + method.getName() + "(\"" + TID + "\") threw " + e.getCause(), e.getCause());
                    return clients;
                }
                assertTrue(String.valueOf(answer).contains(TID),
                        block + ": " + method.getName() + "(\"" + TID + "\") answered " + answer);
            }
        }
        return clients;
    }

    @Test
    void theCutterKeepsEachTopLevelClassWhole() {
        List<String> units = ReadmeSnippets.topLevelUnits(
                "@Configuration\npublic class A {\n  String s = \"}\"; // }\n  /* } */ void f() { }\n}\n\n@Service\nclass B { }\n");
        assertEquals(2, units.size(), units.toString());
        assertTrue(units.get(0).startsWith("@Configuration") && units.get(0).endsWith("}\n"), units.get(0));
        assertTrue(units.get(1).contains("class B { }"), units.get(1));
        assertEquals(0, ReadmeSnippets.topLevelUnits("").size());
    }
}

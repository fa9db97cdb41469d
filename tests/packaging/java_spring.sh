#!/usr/bin/env bash
# The Spring Boot starter (run by java.sh after the jar's checks): its released pom is a
# consumer pom, its classes are Java 8's, and a Spring Boot program resolved from the released
# files alone (the starter and paytoken-java in a temporary file repository, everything else
# from this machine's ~/.m2 read as a file mirror: offline) gets its clients from properties
# and talks to the simulator, on Spring Boot 2.7 and on 3.x.
set -euo pipefail
LANG_NAME=java-spring; . "$(dirname "$0")/lib.sh"
work=$SCRATCH/java-spring
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
jar=$DIST/java/paytoken-spring-boot-starter-$version.jar
pom=${jar%.jar}.pom
[ -f "$jar" ] && [ -f "$pom" ] || fail "no paytoken-spring-boot-starter-$version.jar/.pom in $DIST/java"

for build_only in '<build>' 'junit' 'surefire' '<profiles>' '<scope>test</scope>' '<optional>' '@VERSION@' '@SPRING_BOOT_VERSION@'; do
  ! grep -q "$build_only" "$pom" || fail "the released pom has $build_only: it is the build pom, not a consumer pom"
done
grep -q "<artifactId>paytoken-java</artifactId>" "$pom" && grep -q "<artifactId>spring-boot-autoconfigure</artifactId>" "$pom" ||
  fail "the released pom lacks paytoken-java or spring-boot-autoconfigure"
unzip -Z1 "$jar" | grep -qx "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports" ||
  fail "the jar has no auto-configuration imports file"
mkdir -p "$work/classes" && (cd "$work/classes" && unzip -q "$jar" 'io/paytoken/spring/PayTokenAutoConfiguration.class')
major=$(od -An -j6 -N2 -tu1 "$work/classes/io/paytoken/spring/PayTokenAutoConfiguration.class" | awk '{print $1 * 256 + $2}')
[ "$major" = 52 ] || fail "the classes are for class-file version $major, not Java 8's 52"
say "the released pom is a consumer pom; the classes are Java 8's"

for repo_jar in "$DIST/java/paytoken-java-$version" "${jar%.jar}"; do
  name=$(basename "$repo_jar" "-$version")
  mkdir -p "$work/repo/io/paytoken/$name/$version"
  cp "$repo_jar.jar" "$repo_jar.pom" "$work/repo/io/paytoken/$name/$version/"
done
cat >"$work/settings.xml" <<XML
<settings><mirrors><mirror><id>machine-m2</id><mirrorOf>central</mirrorOf>
<url>file://$HOME/.m2/repository</url></mirror></mirrors></settings>
XML

for line in "2.7.18 8" "3.5.7 17"; do
  read -r boot release <<<"$line"
  app=$work/app-$boot
  mkdir -p "$app" && cp -r "$HERE/apps/java-spring/." "$app/"
  sed -i "s|@PAYTOKEN_REPO@|file://$work/repo|; s|@PAYTOKEN_VERSION@|$version|; s|@BOOT_VERSION@|$boot|; s|@JAVA_RELEASE@|$release|" "$app/pom.xml"
  (cd "$app" && mvn -B -q -ntp -s "$work/settings.xml" -Dmaven.repo.local="$work/m2" -Dstyle.color=never \
    compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=cp.txt) \
    >"$work/mvn-$boot.log" 2>&1 || fail "mvn (Boot $boot): $(tail -30 "$work/mvn-$boot.log")"
  cp=$(cat "$app/cp.txt")
  for wanted in "paytoken-spring-boot-starter-$version.jar" "paytoken-java-$version.jar" "spring-boot-autoconfigure-$boot.jar"; do
    tr ':' '\n' <<<"$cp" | grep -q "^$work/m2/.*/$wanted$" || fail "Boot $boot: $wanted is not on the resolved class path"
  done
  out=$(cd "$app" && NICEPAY_SECRET_KEY=sim_nicepay_secret_key java -cp "target/classes:$cp" shop.SpringApp \
    --spring.main.banner-mode=off --logging.level.root=WARN \
    --paytoken.clients.shop.gateway=nicepay --paytoken.clients.shop.client-key=S2_sim_client_key \
    '--paytoken.clients.shop.secret-key=${NICEPAY_SECRET_KEY}' --paytoken.clients.shop.base-url="$PAYTOKEN_SIM_URL" \
    --paytoken.clients.wrong.gateway=nicepay --paytoken.clients.wrong.client-key=S2_sim_client_key \
    --paytoken.clients.wrong.secret-key=not-the-secret --paytoken.clients.wrong.base-url="$PAYTOKEN_SIM_URL" 2>&1) ||
    fail "Boot $boot: $out"
  ! grep -q "sim_nicepay_secret_key\|not-the-secret" <<<"$out" || fail "Boot $boot: a secret was printed"
  say "Spring Boot $boot, resolved from the released files:"
  expect_smoke_output "$(grep -E '^(token|request|error):' <<<"$out")"
done

package io.keyrotator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the function's code, checked on the compiled classes: no cycles between
 * packages, and dependencies pointing downwards only, as docs/architecture.md draws them.
 *
 * <pre>
 *   lambda (the handlers)          depends on everything below
 *   hygiene                        inspection, rotation, ownership, audit, config, observability, ports
 *   inspection                     rotation, ownership, ports
 *   rotation                       ownership, config, observability, ports
 *   audit                          config, observability, ports
 *   aws (the SDK adapters)         config, ports
 *   ownership                      ports
 *   observability                  ports
 *   config                         contract
 *   contract (its own module)      nothing of ours
 *   ports                          contract
 * </pre>
 */
class PackageRulesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.keyrotator");
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.keyrotator.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void portsAndConfigurationDependOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAnyPackage("io.keyrotator.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ours("config", "contract"))
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("io.keyrotator.ports..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ours("ports", "contract"))
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("io.keyrotator.contract..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ours("contract"))
        .check(classes);
  }

  @Test
  void adaptersDependOnlyOnPortsAndConfiguration() {
    noClasses()
        .that()
        .resideInAnyPackage("io.keyrotator.aws..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ours("aws", "ports", "config", "contract"))
        .check(classes);
  }

  @Test
  void theCoreKnowsNoAdapterNorEntryPoint() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.keyrotator.ownership..",
            "io.keyrotator.rotation..",
            "io.keyrotator.inspection..",
            "io.keyrotator.hygiene..",
            "io.keyrotator.audit..",
            "io.keyrotator.observability..",
            "io.keyrotator.config..",
            "io.keyrotator.ports..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.keyrotator.aws..", "io.keyrotator.lambda..", "io.keyrotator.cli..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("io.keyrotator.ownership..", "io.keyrotator.observability..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ours("ownership", "observability", "ports"))
        .check(classes);
  }

  @Test
  void noCodeThatRunsInLambdaDependsOnTheCommandLine() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.keyrotator.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.keyrotator.cli..", "picocli..")
        .check(classes);
  }

  /** Every package of ours except the allowed ones, as ArchUnit package patterns. */
  private static String[] ours(String... allowed) {
    java.util.Set<String> all =
        new java.util.TreeSet<>(
            java.util.List.of(
                "audit",
                "aws",
                "cli",
                "config",
                "contract",
                "hygiene",
                "inspection",
                "lambda",
                "observability",
                "ownership",
                "ports",
                "rotation"));
    all.removeAll(java.util.List.of(allowed));
    return all.stream().map(p -> "io.keyrotator." + p + "..").toArray(String[]::new);
  }
}

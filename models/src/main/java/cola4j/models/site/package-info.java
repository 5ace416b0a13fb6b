/**
 * Adaptation sites ({@link Site}), their selection (SiteSelector), SiteInterceptor and the dL/dh capture GradientProbe.
 * A site outputs h + g(x); GradientProbe taps h so that dL/dh is seen even when every base weight is frozen.
 * GradientProbe → SiteTest (probes see dL/dh; merge/unmerge within one ulp) → P2 in EquivalenceSuiteTest.
 */
package cola4j.models.site;

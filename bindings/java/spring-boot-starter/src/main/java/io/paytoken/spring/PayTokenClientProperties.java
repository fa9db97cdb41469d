package io.paytoken.spring;

import io.paytoken.PayTokenClient;
import io.paytoken.PayTokenException;
import io.paytoken.PayTokenOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code paytoken.clients.<name>} block: the gateway, its credentials and the library's
 * options. The credentials are write-only: they have setters (for binding) but no public
 * getters, so neither Jackson (the Actuator's {@code configprops}) nor {@link #toString()}
 * can show them; they go only to the native library, when the client is made.
 */
public class PayTokenClientProperties {
    private String gateway;
    private String clientKey;
    private String secretKey;
    private String impKey;
    private String impSecret;
    private String apiSecret;
    private String auth;
    private Boolean sandbox;
    private String baseUrl;
    private Duration timeout;
    private Duration connectTimeout;
    private Duration refreshBefore;
    private String tier;
    private String storeId;
    private String caFile;
    private String cacheDir;
    private Integer maxInFlight;
    private Boolean idempotency;
    private Boolean retryUnknownOutcome;
    private String userAgent;
    private String returnCharSet;
    private boolean primary;

    /**
     * The client these properties describe. {@code name} only labels errors.
     *
     * @throws IllegalStateException naming the property block when the gateway is missing,
     *         an option is out of range or the library refuses the config (its message never holds a credential)
     */
    PayTokenClient open(String name) {
        String where = "paytoken.clients." + name;
        if (gateway == null || gateway.isEmpty()) {
            throw new IllegalStateException(where + ".gateway is required: nicepay, portone-v1 or portone-v2");
        }
        try {
            switch (gateway) {
                case "nicepay":
                    return PayTokenClient.nicepay(clientKey, secretKey, options());
                case "portone-v1":
                    return PayTokenClient.portoneV1(impKey, impSecret, options());
                case "portone-v2":
                    return PayTokenClient.portoneV2(apiSecret, options());
                default:
                    throw new IllegalStateException(where + ".gateway is '" + gateway
                            + "': nicepay, portone-v1 or portone-v2");
            }
        } catch (PayTokenException | IllegalArgumentException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }

    /** The credentials that were set, for the Actuator's sanitizer. */
    List<String> credentials() {
        List<String> set = new ArrayList<>();
        for (String credential : Arrays.asList(clientKey, secretKey, impKey, impSecret, apiSecret)) {
            if (credential != null && !credential.isEmpty()) {
                set.add(credential);
            }
        }
        return set;
    }

    /** Only the options that were set: the library's defaults stay its own. */
    PayTokenOptions options() {
        PayTokenOptions options = new PayTokenOptions();
        if (auth != null) options.auth(auth);
        if (sandbox != null) options.sandbox(sandbox);
        if (baseUrl != null) options.baseUrl(baseUrl);
        if (timeout != null) options.timeout(timeout);
        if (connectTimeout != null) options.connectTimeout(connectTimeout);
        if (refreshBefore != null) options.refreshBeforeSecs(refreshBefore.getSeconds());
        if (tier != null) options.tier(tier);
        if (storeId != null) options.storeId(storeId);
        if (caFile != null) options.caFile(caFile);
        if (cacheDir != null) options.cacheDir(cacheDir);
        if (maxInFlight != null) options.maxInFlight(maxInFlight);
        if (idempotency != null) options.idempotency(idempotency);
        if (retryUnknownOutcome != null) options.retryUnknownOutcome(retryUnknownOutcome);
        if (userAgent != null) options.userAgent(userAgent);
        if (returnCharSet != null) options.returnCharSet(returnCharSet);
        return options;
    }

    /** {@code nicepay}, {@code portone-v1} or {@code portone-v2}. */
    public String getGateway() {
        return gateway;
    }

    public void setGateway(String gateway) {
        this.gateway = gateway;
    }

    /** NICEPAY's client key. */
    public void setClientKey(String clientKey) {
        this.clientKey = clientKey;
    }

    /** NICEPAY's secret key. */
    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }

    /** PortOne V1's REST API key. */
    public void setImpKey(String impKey) {
        this.impKey = impKey;
    }

    /** PortOne V1's REST API secret. */
    public void setImpSecret(String impSecret) {
        this.impSecret = impSecret;
    }

    /** PortOne V2's API secret. */
    public void setApiSecret(String apiSecret) {
        this.apiSecret = apiSecret;
    }

    /** NICEPAY {@code token} (default) or {@code basic}; PortOne V2 {@code secret} (default) or {@code token}. */
    public String getAuth() {
        return auth;
    }

    public void setAuth(String auth) {
        this.auth = auth;
    }

    /** NICEPAY: the sandbox origin. */
    public Boolean getSandbox() {
        return sandbox;
    }

    public void setSandbox(Boolean sandbox) {
        this.sandbox = sandbox;
    }

    /** Another origin, e.g. a simulator (plain http only on loopback). */
    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Whole-request deadline (library default 30 s, PortOne V2 60 s). */
    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /** Connect deadline (library default 5 s). */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** Refresh a token this long before it expires (whole seconds). */
    public Duration getRefreshBefore() {
        return refreshBefore;
    }

    public void setRefreshBefore(Duration refreshBefore) {
        this.refreshBefore = refreshBefore;
    }

    /** PortOne V1: the sub-merchant's Tier header. */
    public String getTier() {
        return tier;
    }

    public void setTier(String tier) {
        this.tier = tier;
    }

    /** PortOne V2: a sub-store's storeId. */
    public String getStoreId() {
        return storeId;
    }

    public void setStoreId(String storeId) {
        this.storeId = storeId;
    }

    /** A PEM file of extra root certificates. */
    public String getCaFile() {
        return caFile;
    }

    public void setCaFile(String caFile) {
        this.caFile = caFile;
    }

    /** A directory for the host-wide token cache. */
    public String getCacheDir() {
        return cacheDir;
    }

    public void setCacheDir(String cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** At most this many asynchronous calls of the client at once (default 256). */
    public Integer getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(Integer maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** PortOne V2: an Idempotency-Key on every POST/PUT/PATCH/DELETE (default true). */
    public Boolean getIdempotency() {
        return idempotency;
    }

    public void setIdempotency(Boolean idempotency) {
        this.idempotency = idempotency;
    }

    /** PortOne V2: resend with the same key after an unknown outcome (default false). */
    public Boolean getRetryUnknownOutcome() {
        return retryUnknownOutcome;
    }

    public void setRetryUnknownOutcome(Boolean retryUnknownOutcome) {
        this.retryUnknownOutcome = retryUnknownOutcome;
    }

    /** Appended to the default User-Agent. */
    public String getUserAgent() {
        return userAgent;
    }

    public void setUserAgent(String userAgent) {
        this.userAgent = userAgent;
    }

    /** NICEPAY: utf-8 (default) or euc-kr for the token endpoint. */
    public String getReturnCharSet() {
        return returnCharSet;
    }

    public void setReturnCharSet(String returnCharSet) {
        this.returnCharSet = returnCharSet;
    }

    /** The client injected by type when there are several. */
    public boolean isPrimary() {
        return primary;
    }

    public void setPrimary(boolean primary) {
        this.primary = primary;
    }

    @Override
    public String toString() {
        return "PayTokenClientProperties{gateway=" + gateway + ", baseUrl=" + baseUrl + ", options="
                + options() + ", credentials=***}";
    }
}

package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	"ringfence"
)

const defaultLang = "zh-CN"

// languages in the order the switch shows them.
var languages = []string{"zh-CN", "en"}

// catalogues holds every string of the console, one catalogue per language.
type catalogues map[string]map[string]string

func loadCatalogues() (catalogues, error) {
	cat := catalogues{}
	for _, lang := range languages {
		b, err := i18nFS.ReadFile(path.Join("i18n", lang+".json"))
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web/i18n/%s.json: %w", lang, err)
		}
		cat[lang] = m
	}
	return cat, nil
}

// t looks key up in lang's catalogue; a missing key shows itself, and the
// catalogue test keeps that from shipping.
func (cat catalogues) t(lang, key string) string {
	if s, ok := cat[lang][key]; ok {
		return s
	}
	return key
}

// lang is the visitor's language: the switch's cookie, else the first
// language of Accept-Language the console has, else Chinese.
func (c *Console) lang(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil {
		if _, ok := c.cat[ck.Value]; ok {
			return ck.Value
		}
	}
	// The language the visitor prefers most (its q weight, default 1;
	// the first on a tie) among those the console has.
	best, bestQ := defaultLang, 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		lang := ""
		switch {
		case strings.HasPrefix(tag, "zh"):
			lang = "zh-CN"
		case strings.HasPrefix(tag, "en"):
			lang = "en"
		}
		if lang != "" && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

func (c *Console) tr(r *http.Request, key string) string { return c.cat.t(c.lang(r), key) }

// categoryLabel is a category as people read it: its Chinese label, with
// the English name beside it in English.
func categoryLabel(lang string, cat ringfence.Category) string {
	if cat == "" {
		return ""
	}
	info, ok := cat.Info()
	if !ok {
		return string(cat)
	}
	if lang == "en" {
		return info.Label + " (" + info.English + ")"
	}
	return info.Label
}

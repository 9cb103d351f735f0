// Package specs holds the stress specifications of the shipped subjects,
// shared by their tests, the fuzz targets and the main job. Each function
// takes a variant of a subject and returns the Spec that tests it.
package specs
